import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { createLogger } from './logger';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) };
  return { lines, logger: createLogger('token', 'info', destination) };
}

describe('createLogger', () => {
  it('names the active trace and span on every line logged within it, and none outside', async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      const tracer = new TracerProvider({
        spanProcessors: [new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })],
      }).getTracer('test');
      const { lines, logger } = capture();
      const span = tracer.startSpan('POST /oauth/token');
      await context.with(trace.setSpan(context.active(), span), async () => {
        await Promise.resolve();
        logger.info('within');
      });
      logger.info('outside');
      const { traceId, spanId } = span.spanContext();
      expect(lines[0]).toMatchObject({ msg: 'within', trace_id: traceId, span_id: spanId, trace_flags: '01' });
      expect(lines[1]?.msg).toBe('outside');
      expect(lines[1]).not.toHaveProperty('trace_id');
    } finally {
      context.disable();
    }
  });

  it('drops secrets logged by mistake under the names they travel by', () => {
    const { lines, logger } = capture();
    logger.info(
      { client_secret: 's3cret', token: 'eyJ.a.b', password: 'hunter2', refresh_token: 'r', code: 'c' },
      'careless',
    );
    expect(JSON.stringify(lines)).not.toMatch(/s3cret|eyJ\.a\.b|hunter2|"r"|"c"/);
  });
});
