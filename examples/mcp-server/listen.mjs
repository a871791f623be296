// Listens on loopback, prints the address once listening, and closes on SIGINT or SIGTERM.
import process from 'node:process';

/** @param {import('express').Express} app @param {number} port */
export function listenOnLoopback(app, port) {
  const listener = app.listen(port, '127.0.0.1', () => {
    const { port: bound } = listener.address();
    process.stdout.write(`${JSON.stringify({ listening: `http://127.0.0.1:${bound}` })}\n`);
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => listener.close(() => process.exit(0)));
}
