import type { RequestListener, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

interface SocketState {
  /** Requests on this socket whose responses have not closed yet. */
  busy: number;
  /** When the socket last became idle (or was accepted). */
  idleSince: number;
}

/**
 * Knows every socket a server accepted and every response still open, so that a shutdown can
 * tell in-flight work from idle keep-alive connections. Node's own `closeIdleConnections` counts
 * a socket whose first request has not been parsed yet as idle and destroys it, which resets a
 * proxy that has just written its request; this tracker closes only sockets idle since a given
 * time.
 */
export class ConnectionTracker {
  private readonly sockets = new Map<Socket, SocketState>();
  private readonly responses = new Set<ServerResponse>();
  private readonly waiters = new Set<() => void>();

  constructor(
    server: Server,
    private readonly now: () => number = Date.now,
  ) {
    server.on('connection', (socket: Socket) => {
      this.sockets.set(socket, { busy: 0, idleSince: this.now() });
      socket.once('close', () => {
        this.sockets.delete(socket);
        this.notify();
      });
    });
  }

  /** Wraps the server's listener so that each request is counted before anything answers it. */
  track(listener: RequestListener): RequestListener {
    return (req, res) => {
      const state = this.sockets.get(req.socket);
      if (state) state.busy += 1;
      this.responses.add(res);
      res.once('close', () => {
        this.responses.delete(res);
        if (state) {
          state.busy -= 1;
          if (state.busy === 0) state.idleSince = this.now();
        }
        this.notify();
      });
      listener(req, res);
    };
  }

  get inFlight(): number {
    return this.responses.size;
  }

  get open(): number {
    return this.sockets.size;
  }

  /** Asks every response that has not sent its headers yet to close its connection after it. */
  closeAfterPendingResponses(): void {
    for (const res of this.responses) {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    }
  }

  /** Ends the sockets that carried no request since `time`; returns how many. */
  closeIdleSince(time: number): number {
    let closed = 0;
    for (const [socket, state] of this.sockets) {
      if (state.busy === 0 && state.idleSince <= time) {
        socket.destroy();
        closed += 1;
      }
    }
    return closed;
  }

  /** Destroys every socket still open; returns how many. */
  destroyAll(): number {
    const count = this.sockets.size;
    for (const socket of this.sockets.keys()) socket.destroy();
    return count;
  }

  /** Resolves true once every socket has closed, or false when `timeoutMs` passes first. */
  whenAllClosed(timeoutMs: number): Promise<boolean> {
    if (this.sockets.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (closed: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(closed);
      };
      const check = () => {
        if (this.sockets.size === 0) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
