import { createServer, type Server } from 'node:net';

function listenOnLoopback(): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => resolvePromise(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('Loopback listener has no TCP address');
  }
  return address.port;
}

function close(server: Server): Promise<void> {
  return new Promise((resolvePromise) => server.close(() => resolvePromise()));
}

/** A free loopback TCP port. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('No free port was found');
  return port;
}

/** Several distinct free ports; all listeners stay open until every port is chosen. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i += 1) servers.push(await listenOnLoopback());
    return servers.map(portOf);
  } finally {
    await Promise.all(servers.map(close));
  }
}

/** A free loopback port held by a listener until `release`, so no other process can take it meanwhile. */
export interface PortReservation {
  port: number;
  release(): Promise<void>;
}

export async function reservePort(): Promise<PortReservation> {
  const server = await listenOnLoopback();
  return { port: portOf(server), release: () => close(server) };
}
