import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { ensureChromium } from '@grantline/lib-infra';

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

/**
 * The Chromium binary to drive: `$CHROMIUM_PATH`, or the Debian package, installed with apt-get
 * when missing (as the local Redis and nginx are). Throws, saying how to get it, otherwise.
 */
export async function chromiumExecutable(): Promise<string> {
  const fromEnv = process.env[CHROMIUM_PATH_ENV]?.trim();
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`Chromium is missing: ${CHROMIUM_PATH_ENV} names ${fromEnv}, which does not exist.`);
  }
  if (existsSync(DEFAULT_CHROMIUM_PATH)) return DEFAULT_CHROMIUM_PATH;
  try {
    return await ensureChromium();
  } catch (error) {
    throw new Error(
      `Chromium is missing and could not be installed (${error instanceof Error ? error.message : String(error)}). ` +
        'The browser tests need it: `apt-get update && apt-get install -y chromium` (as root), or set ' +
        `${CHROMIUM_PATH_ENV} to a Chromium binary. (\`npx playwright install\` does not work on these machines.)`,
    );
  }
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
  const executablePath = await chromiumExecutable();
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
