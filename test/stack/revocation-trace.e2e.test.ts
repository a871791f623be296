import { randomBytes } from 'node:crypto';
import type { RunningStack } from '@grantline/lib-stack';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { pollUntil } from '../support/poll-until';
import { startTestStack } from './stack-fixture';

jest.setTimeout(120_000);

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

let receiver: OtlpReceiver;
let stack: RunningStack;

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  stack = await startTestStack('trace', {
    replicas: { token: 1, introspection: 1, devicePolling: 1 },
    // Spans leave each process in batches; a short delay keeps the test short.
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

const isRedis = (span: ReceivedSpan) => span.kind === CLIENT && span.attributes['db.system.name'] === 'redis';
const isMongo = (span: ReceivedSpan) => span.kind === CLIENT && span.attributes['db.system.name'] === 'mongodb';

it('follows one revocation in one trace: edge, revoke handler, Kafka, projector Redis write, audit insert', async () => {
  const client = new GrantlineTestClient(stack.url, stack.adminToken);
  const registered = await client.registerClient({ name: 'traced', scopes: 'read' });
  const token = String((await client.clientCredentials(registered.client_id, registered.client_secret)).access_token);
  const traceId = randomBytes(16).toString('hex');
  const callerSpan = randomBytes(8).toString('hex');
  const revoked = await client.form(
    '/oauth/revoke',
    { token, client_id: registered.client_id, client_secret: registered.client_secret },
    { traceparent: `00-${traceId}-${callerSpan}-01` },
  );
  expect(revoked.status).toBe(200);

  // Each process exports its spans in its own batches, so they arrive in any order: wait for every
  // span the assertions below look at, not only for the last hop's.
  const has = (spans: ReceivedSpan[], service: string, test: (span: ReceivedSpan) => boolean) =>
    spans.some((span) => span.service === service && test(span));
  const complete = (spans: ReceivedSpan[]) =>
    has(spans, 'token', (span) => span.kind === SERVER) &&
    has(spans, 'token', (span) => span.kind === PRODUCER) &&
    has(spans, 'projector', (span) => span.kind === CONSUMER) &&
    has(spans, 'projector', isRedis) &&
    has(spans, 'audit', (span) => span.kind === CONSUMER) &&
    has(spans, 'audit', isMongo);
  const spans = await pollUntil(async () => receiver.trace(traceId), complete, 30_000, 200);
  const describe = () =>
    spans.map((span) => `${span.service} ${span.kind} ${span.name} ${span.spanId} <- ${span.parentSpanId}`).join('\n');
  expect(receiver.rejected).toEqual([]);
  // On failure this shows every span the trace got.
  expect(complete(spans) ? 'complete' : describe()).toBe('complete');

  // The edge passes the caller's context on: the token service's server span continues it.
  const server = spans.find((span) => span.service === 'token' && span.kind === SERVER);
  expect(server).toMatchObject({ name: 'POST /oauth/revoke', parentSpanId: callerSpan });
  expect(server?.attributes['http.response.status_code']).toBe(200);
  const childrenOf = (parent: ReceivedSpan | undefined) => spans.filter((span) => span.parentSpanId === parent?.spanId);
  // The handler's own Redis calls (the revocation marker) and the append to Kafka.
  expect(childrenOf(server).some(isRedis)).toBe(true);
  const produced = spans.find((span) => span.service === 'token' && span.kind === PRODUCER);
  expect(produced?.parentSpanId).toBe(server?.spanId);
  expect(produced?.attributes['messaging.system']).toBe('kafka');

  // Each consumer's span continues the request's trace, and its store call nests under it.
  for (const [service, isStoreCall] of [
    ['projector', isRedis],
    ['audit', isMongo],
  ] as const) {
    const consumed = spans.find((span) => span.service === service && span.kind === CONSUMER);
    expect({ service, parent: consumed?.parentSpanId }).toEqual({ service, parent: server?.spanId });
    expect({ service, stored: childrenOf(consumed).some(isStoreCall) }).toEqual({ service, stored: true });
  }
});
