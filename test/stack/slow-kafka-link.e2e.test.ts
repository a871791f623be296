import { jtiOf } from '../support/issuance-load';
import { issuedEventsByJti } from '../support/issued-events';
import { basic, GrantlineTestClient } from '../support/oauth-test-client';
import { kafkaLinkFor, slowLossyKafka, type KafkaLinkPlacement } from '../support/shaped-kafka-link';
import { infraFromEnv, startTestStack, type TestStack } from './stack-fixture';

/**
 * The only token replica runs in its own network namespace; its link to Kafka is slowed, then
 * made lossy, then healed, under steady client_credentials load through the edge.
 *
 * The contract while Kafka is slow (principle 1, the token endpoint's error mapping): a token
 * comes out only once its event is in the log; an append that cannot finish within
 * GRANTLINE_APPEND_TIMEOUT_MS is 503 `temporarily_unavailable`. So every answer is a 200 or that
 * 503, never another 5xx, and every token handed out has exactly one issuance event.
 */

const DELAY_MS = 200;
const JITTER_MS = 20;
const LOSS_PERCENT = 10;
const PHASE_MS = 8_000;
const CONCURRENCY = 4;

interface Answer {
  status: number | 'error';
  ms: number;
  error?: string;
  jti?: string;
}

let linked: KafkaLinkPlacement;
let stack: TestStack | undefined;

beforeAll(async () => {
  linked = await kafkaLinkFor(infraFromEnv().kafkaBrokers);
  stack = await startTestStack('slowkafka', {
    replicas: { token: 1, introspection: 1, authorize: 1, devicePolling: 1 },
    placement: linked.placement,
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await linked?.link.close();
});

async function issueFor(url: string, authorization: string, durationMs: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  const until = Date.now() + durationMs;
  const loop = async () => {
    while (Date.now() < until) {
      const started = performance.now();
      try {
        const response = await fetch(`${url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
          body: new URLSearchParams({ grant_type: 'client_credentials' }),
          signal: AbortSignal.timeout(15_000),
        });
        const body = (await response.json()) as { access_token?: string; error?: string };
        answers.push({
          status: response.status,
          ms: performance.now() - started,
          error: body.error,
          jti: body.access_token === undefined ? undefined : jtiOf(body.access_token),
        });
      } catch (error) {
        answers.push({ status: 'error', ms: performance.now() - started, error: String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  return answers;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

function figures(name: string, answers: Answer[]) {
  const byStatus: Record<string, number> = {};
  for (const answer of answers) byStatus[String(answer.status)] = (byStatus[String(answer.status)] ?? 0) + 1;
  const ok = answers.filter((answer) => answer.status === 200).map((answer) => answer.ms);
  ok.sort((a, b) => a - b);
  return {
    phase: name,
    requests: answers.length,
    byStatus,
    p50ms: Math.round(percentile(ok, 50)),
    p99ms: Math.round(percentile(ok, 99)),
    minMs: Math.round(ok[0] ?? Number.NaN),
  };
}

it('issues tokens through a slow, then lossy, link to Kafka, each logged once, and recovers when healed', async () => {
  if (stack === undefined) throw new Error('the stack did not start');
  const client = await new GrantlineTestClient(stack.url, stack.adminToken).registerClient({
    name: 'slow kafka link',
    scopes: 'read',
  });
  const authorization = basic(client.client_id, client.client_secret);
  const load = (name: string) => issueFor(stack!.url, authorization, PHASE_MS).then((answers) => ({ name, answers }));

  const clean = await load('clean');
  await linked.link.shape({ delayMs: DELAY_MS, jitterMs: JITTER_MS });
  const delayed = await load(`delay ${DELAY_MS} ± ${JITTER_MS} ms`);
  // The fault as the fault suite runs it: still delayed, now lossy too, healed after PHASE_MS.
  const [lossy, fault] = await Promise.all([
    load(`delay ${DELAY_MS} ± ${JITTER_MS} ms, ${LOSS_PERCENT}% loss`),
    slowLossyKafka(linked.link, {
      delayMs: DELAY_MS,
      jitterMs: JITTER_MS,
      lossPercent: LOSS_PERCENT,
      seconds: PHASE_MS / 1_000,
    }),
  ]);
  const healed = await load('healed');
  const results = [clean, delayed, lossy, healed];
  const table = results.map(({ name, answers }) => figures(name, answers));
  console.log(
    `slow Kafka link (token replica in ${linked.link.namespace}; packets dropped while lossy: ${fault.dropped.toHost} to Kafka, ${fault.dropped.fromHost} from Kafka):\n` +
      table.map((row) => JSON.stringify(row)).join('\n'),
  );

  const all = results.flatMap((phase) => phase.answers);
  // Only the contract's answers: a token, or 503 temporarily_unavailable.
  const outsideContract = all.filter(
    (answer) => answer.status !== 200 && !(answer.status === 503 && answer.error === 'temporarily_unavailable'),
  );
  expect(outsideContract.slice(0, 5)).toEqual([]);
  for (const phase of table)
    expect({ phase: phase.phase, tokens: phase.byStatus['200'] ?? 0 }).not.toEqual({
      phase: phase.phase,
      tokens: 0,
    });
  // Healed: every request answered with a token again.
  expect(table[3]!.byStatus).toEqual({ '200': table[3]!.requests });

  // The shape reached the service: a token needs a produce request and its acknowledgement across
  // the link, so none can come out in less than the delay of both directions.
  expect(table[1]!.minMs).toBeGreaterThanOrEqual(2 * (DELAY_MS - JITTER_MS));
  // Healed: the typical token no longer pays for the link.
  expect(table[3]!.p50ms).toBeLessThan(2 * (DELAY_MS - JITTER_MS));

  const events = await issuedEventsByJti(stack.env, 'slow-kafka-link-test');
  const jtis = all.flatMap((answer) => (answer.jti === undefined ? [] : [answer.jti]));
  expect(jtis.filter((jti) => events.get(jti) !== 1)).toEqual([]);
  expect(new Set(jtis).size).toBe(jtis.length);
}, 120_000);
