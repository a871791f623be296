import { prometheusSample } from '../support/prometheus-samples';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { startTestStack } from './stack-fixture';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let client: GrantlineTestClient;

beforeAll(async () => {
  stack = await startTestStack('kafkametrics', { replicas: { token: 1, introspection: 1, devicePolling: 1 } });
  client = new GrantlineTestClient(stack.url, stack.adminToken);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function metricsOf(service: string): Promise<string> {
  const replica = stack.replicaOf(service, 0);
  if (!replica) throw new Error(`no ${service} replica`);
  const response = await fetch(`${replica.url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** Scrapes until `ready` holds of the exposition, or gives up after `timeoutMs` and returns the last one. */
async function scrapeUntil(service: string, ready: (text: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = await metricsOf(service);
  while (!ready(text) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    text = await metricsOf(service);
  }
  return text;
}

const send = { service: 'token', messaging_system: 'kafka', messaging_operation_name: 'send' };

it('the token service measures its Kafka produce requests and the projector its lag per partition', async () => {
  const { client_id, client_secret } = await client.registerClient({
    name: 'kafka metrics',
    grant_types: ['client_credentials'],
  });
  for (let issued = 0; issued < 3; issued += 1) await client.clientCredentials(client_id, client_secret);

  const token = await metricsOf('token');
  const requests = prometheusSample(token, 'messaging_client_operation_duration_count', send) ?? 0;
  expect(requests).toBeGreaterThanOrEqual(1);
  expect(requests).toBeLessThanOrEqual(3);
  expect(prometheusSample(token, 'messaging_client_sent_messages_total', send)).toBeGreaterThanOrEqual(3);
  expect(prometheusSample(token, 'messaging_client_operation_duration_bucket', { ...send, le: '+Inf' })).toBe(requests);

  const lagOfTokens = { consumer: `${stack.namespace}.projector`, topic: `${stack.namespace}.tokens` };
  const projector = await scrapeUntil('projector', (text) => text.includes(`topic="${lagOfTokens.topic}"`), 30_000);
  const lags = projector
    .split('\n')
    .filter((line) => line.startsWith('grantline_consumer_lag{') && line.includes(`topic="${lagOfTokens.topic}"`));
  expect(lags.length).toBeGreaterThan(0);
  for (const line of lags) {
    expect(line).toContain(`consumer="${lagOfTokens.consumer}"`);
    expect(line).toMatch(/partition="\d+"/);
    // The projector keeps up with three tokens: nothing is left behind after its batch.
    expect(Number(line.slice(line.lastIndexOf(' ') + 1))).toBe(0);
  }
});
