import { ConfigError, type Config } from '@grantline/lib-config';
import { NO_TRUSTED_ISSUERS, trustedIssuersDocumentSchema, type TrustedIssuersDocument } from '@grantline/lib-oauth';
import { readText, type ReadText } from './ca-file';

/**
 * The issuers the JWT bearer grant trusts, from GRANTLINE_TRUSTED_ISSUERS (JSON) or the file
 * GRANTLINE_TRUSTED_ISSUERS_FILE names, read and checked once at start; neither trusts none.
 * Text that cannot be read or does not match the schema stops the service with a message
 * naming the setting and each problem.
 */
export function readTrustedIssuers(
  config: Pick<Config, 'GRANTLINE_TRUSTED_ISSUERS' | 'GRANTLINE_TRUSTED_ISSUERS_FILE'>,
  read: ReadText = readText,
): TrustedIssuersDocument {
  const path = config.GRANTLINE_TRUSTED_ISSUERS_FILE;
  if (path !== undefined) return parseTrustedIssuers('GRANTLINE_TRUSTED_ISSUERS_FILE', readFile(path, read), path);
  const inline = config.GRANTLINE_TRUSTED_ISSUERS;
  return inline === undefined ? NO_TRUSTED_ISSUERS : parseTrustedIssuers('GRANTLINE_TRUSTED_ISSUERS', inline);
}

function readFile(path: string, read: ReadText): string {
  try {
    return read(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new ConfigError(`GRANTLINE_TRUSTED_ISSUERS_FILE: cannot read ${path} (${reason})`);
  }
}

function parseTrustedIssuers(setting: string, text: string, path?: string): TrustedIssuersDocument {
  const where = path === undefined ? setting : `${setting}: ${path}`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`${where} is not JSON`);
  }
  const parsed = trustedIssuersDocumentSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`${where} is not a valid list of trusted issuers:\n${problems.join('\n')}`);
}
