import { createServer, type Server } from 'node:http';
import { z } from 'zod';

/** One span as a collector receives it over OTLP/HTTP with JSON encoding. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP span kinds: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
  links: Array<{ traceId: string; spanId: string }>;
}

const anyValue = z.object({
  stringValue: z.string().optional(),
  intValue: z.union([z.string(), z.number()]).optional(),
  boolValue: z.boolean().optional(),
  doubleValue: z.number().optional(),
});
const attributes = z.array(z.object({ key: z.string(), value: anyValue })).default([]);
const exportRequest = z.object({
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes }).default({ attributes: [] }),
      scopeSpans: z.array(
        z.object({
          spans: z.array(
            z.object({
              traceId: z.string(),
              spanId: z.string(),
              parentSpanId: z.string().optional(),
              name: z.string(),
              kind: z.number(),
              attributes,
              links: z.array(z.object({ traceId: z.string(), spanId: z.string() })).default([]),
            }),
          ),
        }),
      ),
    }),
  ),
});

function valueOf(value: z.infer<typeof anyValue>): unknown {
  return value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;
}

const attributesOf = (list: z.infer<typeof attributes>) =>
  Object.fromEntries(list.map(({ key, value }) => [key, valueOf(value)]));

/**
 * A collector for tests: accepts OTLP/HTTP JSON trace exports on loopback and keeps the spans.
 * Metric exports are accepted and dropped. Anything else is a 404, and a malformed body a 400,
 * so an exporter that sends something unexpected shows up as its own error.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly rejected: string[] = [];
  url = '';
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = this.accept(request.url ?? '', Buffer.concat(chunks).toString('utf8'));
      response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });

  static async start(): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    const address = receiver.server.address();
    if (!address || typeof address === 'string') throw new Error('the receiver has no port');
    receiver.url = `http://127.0.0.1:${address.port}`;
    return receiver;
  }

  /** Every span of one trace. */
  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(path: string, body: string): number {
    if (path === '/v1/metrics') return 200;
    if (path !== '/v1/traces') return 404;
    let parsed: z.infer<typeof exportRequest>;
    try {
      parsed = exportRequest.parse(JSON.parse(body));
    } catch (error) {
      this.rejected.push(String(error).slice(0, 300));
      return 400;
    }
    for (const resourceSpans of parsed.resourceSpans) {
      const service = String(attributesOf(resourceSpans.resource.attributes)['service.name'] ?? '');
      for (const { spans } of resourceSpans.scopeSpans) {
        for (const span of spans) {
          this.spans.push({
            service,
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            name: span.name,
            kind: span.kind,
            attributes: attributesOf(span.attributes),
            links: span.links,
          });
        }
      }
    }
    return 200;
  }
}
