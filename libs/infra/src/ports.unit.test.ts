import { createServer } from 'node:net';
import { reservePort } from './ports';

function tryListen(port: number): Promise<'listening' | string> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve('listening')));
  });
}

describe('a port reservation', () => {
  it('keeps every other listener off the port until it is released', async () => {
    const reservation = await reservePort();
    expect(await tryListen(reservation.port)).toBe('EADDRINUSE');
    await reservation.release();
    expect(await tryListen(reservation.port)).toBe('listening');
  });

  it('may be released twice, as a stack stopped after a failed start does', async () => {
    const reservation = await reservePort();
    await reservation.release();
    await expect(reservation.release()).resolves.toBeUndefined();
  });
});
