import { connect, createServer, type Socket } from 'node:net';
import { delayQueue } from './delay-queue';

export interface Endpoint {
  host: string;
  port: number;
}

export interface TcpRelay {
  /** Where the relay listens (the port chosen when 0 was asked for). */
  listening: Endpoint;
  close(): Promise<void>;
}

/**
 * Accepts connections on `listen` and carries each, both ways, to `target`. `delayMs` is asked
 * once per chunk (0 passes it straight on); chunks of one direction never overtake each other.
 */
export function startTcpRelay(options: {
  listen: Endpoint;
  target: Endpoint;
  delayMs?: () => number;
}): Promise<TcpRelay> {
  const delayMs = options.delayMs ?? (() => 0);
  const open = new Set<Socket>();
  const server = createServer({ noDelay: true }, (inbound) => {
    const outbound = connect({ ...options.target, noDelay: true });
    for (const socket of [inbound, outbound]) {
      open.add(socket);
      socket.once('close', () => open.delete(socket));
      // Either side failing ends the pair, as a broken link would.
      socket.once('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    carry(inbound, outbound, delayMs);
    carry(outbound, inbound, delayMs);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ ...options.listen, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('the relay has no TCP address');
      resolve({
        listening: { host: options.listen.host, port: address.port },
        close: () =>
          new Promise((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function carry(from: Socket, to: Socket, delayMs: () => number): void {
  let ended = false;
  const queue = delayQueue((chunk) => {
    if (!to.destroyed) to.write(chunk);
    if (ended && queue.pending === 0) to.end();
  });
  from.on('data', (chunk: Buffer) => queue.push(chunk, delayMs()));
  from.once('end', () => {
    ended = true;
    if (queue.pending === 0) to.end();
  });
  from.once('close', () => {
    if (!ended) queue.discard();
  });
}
