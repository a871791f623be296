import { readFileSync } from 'node:fs';
import { ConfigError } from '@grantline/lib-config';

/** Reads a file's text; replaced in tests. */
export type ReadText = (path: string) => string;

export const readText: ReadText = (path) => readFileSync(path, 'utf8');

/**
 * The PEM text of the CA file a setting names, read once at start. An unreadable or empty file
 * stops the service with a message naming the setting and the path.
 */
export function readCaFile(setting: string, path: string, read: ReadText = readText): string {
  let pem: string;
  try {
    pem = read(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new ConfigError(`${setting}: cannot read the CA file ${path} (${reason})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(`${setting}: ${path} holds no PEM certificate`);
  }
  return pem;
}
