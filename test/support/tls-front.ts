import { request } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { makeTestCertificates, type TestCertificates } from './test-certificates';

/**
 * TLS in front of a server on loopback, as an ingress would be: an https listener with a
 * certificate from a throw-away CA that passes every request on to `target` (http).
 */
export class TlsFront {
  private constructor(
    private readonly server: Server,
    readonly certificates: TestCertificates,
    readonly origin: string,
  ) {}

  /** Listens on `port` (0: any free port). */
  static async start(target: () => string, port = 0): Promise<TlsFront> {
    const certificates = makeTestCertificates({ dns: ['localhost'], ip: ['127.0.0.1'] });
    const server = createServer({ cert: certificates.cert, key: certificates.key }, (req, res) => {
      const upstream = request(
        `${target()}${req.url ?? '/'}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const { port: bound } = server.address() as AddressInfo;
    return new TlsFront(server, certificates, `https://127.0.0.1:${bound}`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((done) => this.server.close(done));
    this.certificates.remove();
  }
}
