import { createServer, type RequestListener, type Server } from 'node:http';
import type { Telemetry } from '@grantline/lib-telemetry';
import { GracefulShutdown, type ShutdownSettings } from './graceful-shutdown';
import type { Logger } from './logger';
import { onStopSignals } from './stop-signals';

/** A server with the timeouts every service uses; `listener` may be attached later. */
function httpServer(listener?: RequestListener): Server {
  const server = listener ? createServer(listener) : createServer();
  // Gateways hold connections open; outlast their idle timeouts to avoid reset races.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

function bind(server: Server, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/**
 * Tells a parent that spawned this process with an IPC channel (a local stack, a test) which port
 * it bound, whatever the log level; then lets the channel go, so it never keeps the process alive.
 */
function announceListening(service: string, port: number): void {
  if (!process.send) return;
  process.send({ type: 'listening', service, port } satisfies ListeningMessage, () => process.disconnect());
}

/** What a service sends its parent over IPC once its port is bound. */
export interface ListeningMessage {
  type: 'listening';
  service: string;
  port: number;
}

/** The message, if `message` (from a child's IPC channel) is one. */
export function listeningMessageOf(message: unknown): ListeningMessage | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, service, port } = message as Record<string, unknown>;
  return type === 'listening' && typeof service === 'string' && typeof port === 'number' && Number.isInteger(port)
    ? { type, service, port }
    : undefined;
}

/** Starts listening and resolves with the server once the port is bound. */
export function listen(listener: RequestListener, host: string, port: number): Promise<Server> {
  return bind(httpServer(listener), host, port);
}

/** Stops on SIGINT/SIGTERM, running `cleanup` once and exiting 0; a second signal exits at once. */
export function onShutdown(cleanup: () => Promise<void>): void {
  onStopSignals(() =>
    cleanup().then(
      () => 0,
      () => 0,
    ),
  );
}

export function addressOf(server: Server): { host: string; port: number } {
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server is not listening on TCP');
  return { host: address.address, port: address.port };
}

/** How a service listens and stops (see `serveListener`). */
export interface ServeOptions {
  host: string;
  port: number;
  service: string;
  release: () => Promise<unknown>;
  /** GRANTLINE_SHUTDOWN_DELAY_MS and GRANTLINE_SHUTDOWN_TIMEOUT_MS; without them, no drain delay. */
  shutdown?: ShutdownSettings;
  telemetry: Telemetry;
}

/**
 * The tail of every service's main: listen, log, and on SIGTERM drain
 * (docs/decisions/0024-graceful-shutdown.md) before releasing the service's adapters and
 * flushing telemetry. `listener` is the whole request handling, fallbacks included.
 */
export async function serveListener(listener: RequestListener, logger: Logger, options: ServeOptions): Promise<Server> {
  const server = httpServer();
  const shutdown = new GracefulShutdown(server, {
    settings: options.shutdown ?? { delayMs: 0, timeoutMs: 10_000 },
    logger,
    release: options.release,
  });
  server.on('request', shutdown.guard(listener));
  await bind(server, options.host, options.port);
  const { port } = addressOf(server);
  logger.info({ port }, `${options.service} listening`);
  announceListening(options.service, port);
  onStopSignals(
    async (signal) => {
      const started = Date.now();
      logger.info({ signal }, `${options.service} stopping`);
      const outcome = await shutdown.run();
      await options.telemetry.shutdown().catch((error: unknown) => {
        logger.warn({ err: error }, 'shutdown: telemetry not flushed');
      });
      logger.info({ elapsedMs: Date.now() - started, ...outcome }, `${options.service} stopped`);
      return outcome.releaseFailed ? 1 : 0;
    },
    { logger },
  );
  return server;
}

/** Runs a service's main, exiting with a one-line message (no stack) if start-up fails. */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
