import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { makeTestCertificates, type TestCertificates } from './test-certificates';

/**
 * A client's key set served over https on loopback, with a certificate from a throw-away CA
 * that the server under test is told to trust. Counts the requests it answers.
 */
export class JwksServer {
  private body = '{"keys":[]}';
  private requests = 0;

  private readonly server: Server;

  private constructor(private readonly certificates: TestCertificates) {
    this.server = createServer({ cert: certificates.cert, key: certificates.key }, (_req, res) => {
      this.requests += 1;
      res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'max-age=300' });
      res.end(this.body);
    });
  }

  static async start(): Promise<JwksServer> {
    const started = new JwksServer(makeTestCertificates({ dns: ['localhost'], ip: ['127.0.0.1'] }));
    await new Promise<void>((resolve) => started.server.listen(0, '127.0.0.1', resolve));
    return started;
  }

  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
  }

  /** The CA file the server under test must trust (GRANTLINE_FETCH_CA_FILE). */
  get caFile(): string {
    return this.certificates.caFile;
  }

  get requestCount(): number {
    return this.requests;
  }

  serve(jwks: unknown): void {
    this.body = JSON.stringify(jwks);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.certificates.remove();
  }
}

/** The settings that let the server under test fetch from a JwksServer. */
export const fetchSettingsFor = (jwks: JwksServer): Record<string, string> => ({
  GRANTLINE_FETCH_ALLOWED_HOSTS: '127.0.0.1',
  GRANTLINE_FETCH_CA_FILE: jwks.caFile,
});
