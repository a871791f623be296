import type { Config } from './schema';

/** The drain every service runs on SIGTERM (docs/decisions/0024-graceful-shutdown.md). */
export function shutdownSettings(config: Config): { delayMs: number; timeoutMs: number } {
  return { delayMs: config.GRANTLINE_SHUTDOWN_DELAY_MS, timeoutMs: config.GRANTLINE_SHUTDOWN_TIMEOUT_MS };
}
