import { createServer, type RequestListener, type Server } from 'node:http';
import type { Express } from 'express';
import type { Telemetry } from '@grantline/lib-telemetry';
import { finishApp } from './create-app';
import type { Logger } from './logger';
import { dispatchOAuth, type OAuthEndpoint } from './oauth-dispatch';

/** Starts listening and resolves with the server once the port is bound. */
export function listen(listener: RequestListener, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(listener);
    // Gateways hold connections open; outlast their idle timeouts to avoid reset races.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Stops on SIGINT/SIGTERM, running `cleanup` once. */
export function onShutdown(cleanup: () => Promise<void>): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    cleanup()
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export function addressOf(server: Server): { host: string; port: number } {
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server is not listening on TCP');
  return { host: address.address, port: address.port };
}

/**
 * The tail of every service's main: install the fallbacks, listen, log, and on SIGTERM close
 * the server before releasing the service's adapters.
 */
export async function serve(
  app: Express,
  logger: Logger,
  options: {
    host: string;
    port: number;
    service: string;
    release: () => Promise<unknown>;
    endpoints?: readonly OAuthEndpoint[];
    telemetry: Telemetry;
    trustProxy: string;
    isWebOrigin?: (origin: string) => Promise<boolean>;
  },
): Promise<Server> {
  const listener = dispatchOAuth(options.endpoints ?? [], finishApp(app, logger), {
    logger,
    metrics: options.telemetry.metrics,
    tracing: options.telemetry.tracing,
    trustProxy: options.trustProxy,
    ...(options.isWebOrigin ? { isWebOrigin: options.isWebOrigin } : {}),
  });
  const server = await listen(listener, options.host, options.port);
  logger.info({ port: addressOf(server).port }, `${options.service} listening`);
  onShutdown(async () => {
    server.close();
    await options.release();
    await options.telemetry.shutdown();
  });
  return server;
}

/** Runs a service's main, exiting with a one-line message (no stack) if start-up fails. */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
