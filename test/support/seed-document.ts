import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SEED_DOCUMENT_NAME = 'oauth-integration-examples.md';
export const SEED_DIR_ENV = 'GRANTLINE_SEED_DIR';

const REPO_ROOT = resolve(__dirname, '..', '..');

/** Where the seed document is expected: `$GRANTLINE_SEED_DIR`, or `<repo>/../shared/seed`. */
export function seedDocumentLocation(): { path: string; source: string } {
  const fromEnv = process.env[SEED_DIR_ENV]?.trim();
  if (fromEnv) {
    return { path: join(resolve(fromEnv), SEED_DOCUMENT_NAME), source: `${SEED_DIR_ENV}=${fromEnv}` };
  }
  return {
    path: join(REPO_ROOT, '..', 'shared', 'seed', SEED_DOCUMENT_NAME),
    source: `the default location <repo>/../shared/seed (${SEED_DIR_ENV} is not set)`,
  };
}

/** The seed document's text; throws (so that a test fails, never skips) when it is not there. */
export function readSeedDocument(): string {
  const { path, source } = seedDocumentLocation();
  if (!existsSync(path)) {
    throw new Error(
      `The seed document ${SEED_DOCUMENT_NAME} is missing: looked for ${path} (from ${source}). ` +
        `Set ${SEED_DIR_ENV} to the folder that contains ${SEED_DOCUMENT_NAME}.`,
    );
  }
  return readFileSync(path, 'utf8');
}

interface Fence {
  marker: string;
  info: string;
}

function openingFence(line: string): Fence | undefined {
  const match = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/.exec(line);
  if (!match) return undefined;
  return { marker: match[1] ?? '```', info: (match[2] ?? '').toLowerCase() };
}

function closesFence(line: string, fence: Fence): boolean {
  const trimmed = line.trim();
  return trimmed.length >= fence.marker.length && trimmed === fence.marker.charAt(0).repeat(trimmed.length);
}

function headingLevel(line: string): number | undefined {
  const match = /^ {0,3}(#{1,6})(\s|$)/.exec(line);
  return match?.[1]?.length;
}

/**
 * The body of the first fenced code block of `lang` in the section that starts at `heading`
 * (e.g. "### Python Client"), without the fence lines. Lines inside fences are never taken for
 * headings, since code comments such as "# oauth_client.py" look like Markdown headings.
 */
export function seedCodeBlock(heading: string, lang: string, text: string = readSeedDocument()): string {
  const wanted = heading.trim();
  const language = lang.trim().toLowerCase();
  const lines = text.split(/\r?\n/);
  let fence: Fence | undefined;
  let sectionLevel: number | undefined;
  let body: string[] | undefined;

  for (const line of lines) {
    if (fence) {
      if (closesFence(line, fence)) {
        if (body) return body.join('\n') + '\n';
        fence = undefined;
      } else {
        body?.push(line);
      }
      continue;
    }
    const opened = openingFence(line);
    if (opened) {
      fence = opened;
      if (sectionLevel !== undefined && opened.info === language) body = [];
      continue;
    }
    const level = headingLevel(line);
    if (level === undefined) continue;
    if (sectionLevel === undefined) {
      if (line.trim() === wanted) sectionLevel = level;
    } else if (level <= sectionLevel) {
      break;
    }
  }

  const { path } = seedDocumentLocation();
  if (body) throw new Error(`The ${language} block under "${wanted}" in ${path} has no closing fence`);
  if (sectionLevel === undefined) throw new Error(`The seed document ${path} has no heading "${wanted}"`);
  throw new Error(`The seed document ${path} has no ${language} code block under "${wanted}"`);
}

/** Fails, naming the section, when seed code no longer contains what a test relies on. */
export function expectSeedFragment(code: string, fragment: string, section: string): void {
  if (!code.includes(fragment)) {
    throw new Error(`The seed code under "${section}" no longer contains "${fragment}"; this test expects it`);
  }
}
