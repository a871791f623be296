import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';

/** Probes and scrapes would outnumber real requests; they get no spans. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

let registered = false;

/**
 * The maintained OpenTelemetry instrumentations of node:http (server and client), ioredis and
 * the MongoDB driver, registered once. They patch those modules as they are required, so this
 * must run before anything requires them (see `instrument.ts`); spans go to whatever tracer
 * provider is registered globally later. Kafka is traced by our own producer and consumer spans:
 * the event log batches appends of many requests into one send, which the kafkajs
 * instrumentation would attribute to one of them.
 */
export function instrumentLibraries(): void {
  if (registered) return;
  registered = true;
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
      }),
      // The command name only: arguments carry identifiers (token ids, addresses) spans need not keep.
      new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command) => command }),
      new MongoDBInstrumentation({ requireParentSpan: true }),
    ],
  });
}
