import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH_ENV = 'CHROMIUM_PATH';
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet, headless Chromium on a machine without a display or network beyond loopback. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const LAUNCH_TIMEOUT_MS = 30_000;

/** The Chromium binary to drive: `$CHROMIUM_PATH`, or /usr/bin/chromium. Throws, saying how to get it, when absent. */
export function chromiumExecutable(): string {
  const fromEnv = process.env[CHROMIUM_PATH_ENV]?.trim();
  const path = fromEnv || DEFAULT_CHROMIUM_PATH;
  if (!existsSync(path)) {
    const source = fromEnv ? `from ${CHROMIUM_PATH_ENV}` : `the default; ${CHROMIUM_PATH_ENV} is not set`;
    throw new Error(
      `Chromium is missing: there is no ${path} (${source}). The browser tests need it: install it with ` +
        '`apt-get update && apt-get install -y chromium` (as root), or set ' +
        `${CHROMIUM_PATH_ENV} to a Chromium binary. (\`npx playwright install\` does not work on these machines.)`,
    );
  }
  return path;
}

export interface ChromiumSession {
  context: BrowserContext;
  userDataDir: string;
  /** Closes the browser and removes its profile folder; safe to call more than once. */
  close(): Promise<void>;
}

/** The environment for Chromium: no proxy settings, so that every request stays on loopback. */
function browserEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/_proxy$/i.test(key)) env[key] = value;
  }
  return env;
}

/** Starts Chromium with a fresh profile in a temporary folder, which `close()` removes. */
export async function launchChromium(): Promise<ChromiumSession> {
  const executablePath = chromiumExecutable();
  const userDataDir = mkdtempSync(join(tmpdir(), 'grantline-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      args: [...CHROMIUM_ARGS],
      headless: true,
      env: browserEnv(),
      timeout: LAUNCH_TIMEOUT_MS,
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Chromium (${executablePath}) did not start: ${reason}`);
  }
  let closed: Promise<void> | undefined;
  return {
    context,
    userDataDir,
    close: () => {
      closed ??= (async () => {
        try {
          await context.close();
        } finally {
          rmSync(userDataDir, { recursive: true, force: true });
        }
      })();
      return closed;
    },
  };
}
