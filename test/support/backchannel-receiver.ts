import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A planned answer that never comes: the request is held open until the sender gives up or dies. */
export const HANG = 0;

/**
 * A relying party's back-channel logout endpoint on loopback: each path answers a planned
 * sequence of statuses (the last one repeats; {@link HANG} answers nothing) and keeps the logout
 * tokens it was sent.
 */
export class BackchannelReceiver {
  private readonly plans = new Map<string, number[]>();
  private readonly tokens = new Map<string, string[]>();
  private readonly senderPorts = new Map<string, number[]>();
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const ok = req.method === 'POST' && req.headers['content-type'] === 'application/x-www-form-urlencoded';
      const path = req.url ?? '/';
      this.senderPorts.set(path, [...this.senders(path), req.socket.remotePort ?? 0]);
      const status = ok ? this.answer(path, form.get('logout_token') ?? '') : 400;
      // HANG: keep the sender waiting, as a relying party that stopped answering would.
      if (status === HANG) return;
      res.statusCode = status;
      res.setHeader('cache-control', 'no-store');
      res.end();
    });
  });
  origin = '';

  static async start(): Promise<BackchannelReceiver> {
    const receiver = new BackchannelReceiver();
    await new Promise<void>((done) => receiver.server.listen(0, '127.0.0.1', done));
    receiver.origin = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    return receiver;
  }

  /** A path of this receiver that answers `statuses` in turn. */
  endpoint(path: string, ...statuses: number[]): string {
    this.plans.set(path, statuses);
    return `${this.origin}${path}`;
  }

  /** The local ports the POSTs to a path came from, in order: which process sent each. */
  senders(path: string): number[] {
    return this.senderPorts.get(path) ?? [];
  }

  /** The logout tokens POSTed to a path, in order. */
  received(path: string): string[] {
    return this.tokens.get(path) ?? [];
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }

  private answer(path: string, token: string): number {
    this.tokens.set(path, [...this.received(path), token]);
    const plan = this.plans.get(path) ?? [404];
    return (plan.length > 1 ? plan.shift() : plan[0]) ?? 404;
  }
}

/** What the server needs to reach the receiver: plain http to loopback, quick retries. */
export const BACKCHANNEL_RECEIVER_SETTINGS: Record<string, string> = {
  GRANTLINE_FETCH_ALLOWED_HOSTS: '127.0.0.1',
  GRANTLINE_FETCH_ALLOW_HTTP: 'true',
  GRANTLINE_BACKCHANNEL_LOGOUT_ATTEMPTS: '4',
  GRANTLINE_BACKCHANNEL_LOGOUT_RETRY_MS: '50',
};
