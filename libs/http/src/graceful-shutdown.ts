import type { RequestListener, Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { Logger } from './logger';
import { ConnectionTracker } from './connection-tracker';

export interface ShutdownSettings {
  /** How long to keep serving, unready, before the listener closes (GRANTLINE_SHUTDOWN_DELAY_MS). */
  delayMs: number;
  /** How long requests still in flight may take after that (GRANTLINE_SHUTDOWN_TIMEOUT_MS). */
  timeoutMs: number;
}

export type ShutdownPhase = 'serving' | 'draining' | 'settling' | 'closing' | 'releasing' | 'stopped';

export interface ShutdownOutcome {
  /** Connections cut at the deadline with a request still in flight or never closed by their peer. */
  forced: number;
  /** Whether releasing the adapters failed. */
  releaseFailed: boolean;
}

/** The end of the drain delay, at most, in which answers leave connections open again. */
const MAX_SETTLE_MS = 500;

/**
 * The drain of one HTTP server (docs/decisions/0024-graceful-shutdown.md):
 * serving → draining (readiness 503, `Connection: close` on every answer, still accepting) →
 * settling (the last part of the delay: connections kept open again, so that a proxy still
 * routing here reuses the ones it has instead of opening new ones) → closing (listener
 * closed, `Connection: close` again, in-flight requests finish until the deadline) →
 * releasing (the adapters flush and close) → stopped.
 */
export class GracefulShutdown {
  private current: ShutdownPhase = 'serving';
  private readonly tracker: ConnectionTracker;
  private readonly now: () => number;

  constructor(
    private readonly server: Server,
    private readonly options: {
      settings: ShutdownSettings;
      logger: Pick<Logger, 'info' | 'warn' | 'error'>;
      release: () => Promise<unknown>;
      now?: () => number;
    },
  ) {
    this.now = options.now ?? Date.now;
    this.tracker = new ConnectionTracker(server, this.now);
  }

  get phase(): ShutdownPhase {
    return this.current;
  }

  /**
   * The server's listener with the drain in front: once draining, `/readyz` answers 503 without
   * asking the dependencies, and every answer but those of the settling phase asks the peer to
   * close its connection.
   */
  guard(listener: RequestListener): RequestListener {
    return this.tracker.track((req, res) => {
      if (this.current === 'serving') return listener(req, res);
      if (this.current !== 'settling') res.setHeader('Connection', 'close');
      const url = req.url ?? '/';
      const query = url.indexOf('?');
      if ((query === -1 ? url : url.slice(0, query)) !== '/readyz') return listener(req, res);
      res.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ status: 'draining', checks: { draining: false } }));
    });
  }

  /** Runs every phase once; later calls get the same outcome. */
  run(): Promise<ShutdownOutcome> {
    this.running ??= this.drain();
    return this.running;
  }

  private running: Promise<ShutdownOutcome> | undefined;

  private async drain(): Promise<ShutdownOutcome> {
    const { logger, settings } = this.options;
    const started = this.now();
    const since = () => this.now() - started;
    this.current = 'draining';
    this.tracker.closeAfterPendingResponses();
    logger.info(
      { phase: 'draining', delayMs: settings.delayMs, inFlight: this.tracker.inFlight, open: this.tracker.open },
      'shutdown: unready, serving with Connection: close until the drain delay ends',
    );
    const settleMs = Math.min(MAX_SETTLE_MS, Math.floor(settings.delayMs / 4));
    await sleep(settings.delayMs - settleMs);

    // A proxy that still routes here would otherwise open a connection per request, and those
    // the kernel holds unaccepted when the listener closes are reset with the request sent.
    this.current = 'settling';
    logger.info(
      { phase: 'settling', elapsedMs: since(), settleMs },
      'shutdown: keeping connections open until the listener closes',
    );
    await sleep(settleMs);

    this.current = 'closing';
    await this.stopAccepting();
    this.tracker.closeAfterPendingResponses();
    // Idle through the whole delay: its peer dropped it or never will reuse it.
    const idle = this.tracker.closeIdleSince(started);
    logger.info(
      { phase: 'closing', elapsedMs: since(), inFlight: this.tracker.inFlight, open: this.tracker.open, idle },
      'shutdown: stopped accepting; finishing requests in flight',
    );
    const finished = await this.tracker.whenAllClosed(settings.timeoutMs);
    const forced = finished ? 0 : this.tracker.destroyAll();
    if (forced > 0) {
      logger.warn({ phase: 'closing', elapsedMs: since(), forced }, 'shutdown: deadline passed; connections cut');
    } else {
      logger.info({ phase: 'closing', elapsedMs: since() }, 'shutdown: every connection closed');
    }

    this.current = 'releasing';
    const releaseStarted = this.now();
    let releaseFailed = false;
    try {
      await this.options.release();
      logger.info(
        { phase: 'releasing', elapsedMs: since(), releaseMs: this.now() - releaseStarted },
        'shutdown: adapters flushed and closed',
      );
    } catch (error) {
      releaseFailed = true;
      logger.error({ phase: 'releasing', elapsedMs: since(), err: error }, 'shutdown: releasing adapters failed');
    }
    this.current = 'stopped';
    return { forced, releaseFailed };
  }

  /**
   * Closes the listening socket without Node's `closeIdleConnections`, which would also destroy
   * sockets whose first request is still unread. Closing from the check phase, just after the
   * poll phase accepted every queued connection, leaves the fewest in the accept queue to be reset.
   */
  private stopAccepting(): Promise<void> {
    return new Promise((resolve) => {
      setImmediate(() => {
        NetServer.prototype.close.call(this.server);
        resolve();
      });
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
