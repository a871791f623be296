import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { createTracing, propagationOnly } from './tracing';

const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('propagationOnly', () => {
  it('continues a valid incoming trace with a new span id', () => {
    const span = propagationOnly.startRequest('POST /oauth/token', incoming);
    expect(span.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(span.traceparent).not.toBe(incoming);
  });

  it.each([[undefined], ['garbage'], ['00-00000000000000000000000000000000-b7ad6b7169203331-01'], [['a', 'b']]])(
    'starts a new trace for %p',
    (value) => {
      const span = propagationOnly.startRequest('x', value);
      expect(span.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(span.traceId).not.toMatch(/^0+$/);
    },
  );
});

describe('createTracing', () => {
  it('records a server span under the caller, and consumer spans under the request that recorded the event', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing('token', new SimpleSpanProcessor({ exporter }));
    const request = tracing.startRequest('POST /oauth/token', incoming);
    request.end(200);
    const other = tracing.startRequest('POST /oauth/token', undefined);
    other.end(200);
    await tracing.inEvents('apply 2 events', [request.traceparent, other.traceparent], async () => undefined);

    const [server, otherServer, consumer] = exporter.getFinishedSpans();
    expect(server?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(server?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(server?.attributes['http.response.status_code']).toBe(200);
    expect(request.traceparent).toBe(`00-${server?.spanContext().traceId}-${server?.spanContext().spanId}-01`);
    expect(consumer?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    expect(consumer?.links.map((link) => link.context.spanId)).toEqual([otherServer?.spanContext().spanId]);
    await tracing.shutdown();
  });
});

describe('createTracing under an HTTP server span', () => {
  it('adopts the active span as the request span, names it, and leaves ending it to its owner', async () => {
    const contexts = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contexts);
    try {
      const exporter = new InMemorySpanExporter();
      const tracing = createTracing('token', new SimpleSpanProcessor({ exporter }));
      const owner = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }).getTracer('http');
      const server = owner.startSpan('POST', { kind: SpanKind.SERVER });
      const request = await context.with(trace.setSpan(context.active(), server), async () => {
        await Promise.resolve();
        return tracing.startRequest('POST /oauth/revoke', undefined);
      });
      request.end(200);
      expect(exporter.getFinishedSpans()).toHaveLength(0);
      server.end();
      const [finished] = exporter.getFinishedSpans();
      expect(finished?.name).toBe('POST /oauth/revoke');
      expect(finished?.attributes['http.response.status_code']).toBe(200);
      expect(request.traceparent).toBe(`00-${server.spanContext().traceId}-${server.spanContext().spanId}-01`);
    } finally {
      context.disable();
    }
  });
});
