import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { makeTestCertificates, type TestCertificates } from './test-certificates';

/**
 * An https server on loopback, with a certificate from a throw-away test CA, that serves the
 * JSON documents a test gives it (client ID metadata documents) and counts how often each is
 * fetched. Point the guarded fetcher at `certificates.caFile` and allow 127.0.0.1.
 */
export class MetadataDocumentServer {
  private constructor(
    private readonly documents: Map<string, { body: unknown; cacheControl: string }>,
    private readonly counts: Map<string, number>,
    private readonly server: Server,
    readonly certificates: TestCertificates,
    readonly origin: string,
  ) {}

  static async start(): Promise<MetadataDocumentServer> {
    const certificates = makeTestCertificates({ dns: ['localhost'], ip: ['127.0.0.1'] });
    const documents = new Map<string, { body: unknown; cacheControl: string }>();
    const counts = new Map<string, number>();
    const server = createServer({ cert: certificates.cert, key: certificates.key }, (req, res) => {
      const path = new URL(req.url ?? '/', 'https://127.0.0.1').pathname;
      counts.set(path, (counts.get(path) ?? 0) + 1);
      const document = documents.get(path);
      if (!document) {
        res.writeHead(404).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': document.cacheControl })
        .end(JSON.stringify(document.body));
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new MetadataDocumentServer(documents, counts, server, certificates, `https://127.0.0.1:${port}`);
  }

  /** The URL of `path` on this server. */
  url(path: string): string {
    return `${this.origin}${path}`;
  }

  serve(path: string, body: unknown, cacheControl = 'max-age=300'): void {
    this.documents.set(path, { body, cacheControl });
  }

  /** How many requests `path` has had. */
  fetches(path: string): number {
    return this.counts.get(path) ?? 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.certificates.remove();
  }
}
