import { randomBytes } from 'node:crypto';
import { DEVICE_CODE_GRANT } from '@grantline/lib-events';
import { deviceIdOf } from '@grantline/lib-oauth';
import { approveDevice, FormBrowser } from '@grantline/lib-testing';
import { auditUntil, pollOnce, sleep, startDevice, type DeviceAnswer } from '../support/device-flow-contract';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { startTestStack } from './stack-fixture';

/**
 * An approved device's code is redeemed by two polls at the same instant, on two replicas.
 * Exactly one may get tokens; the other is answered slow_down (the poll clock in Redis saw it
 * second) or invalid_grant (the redemption claim was taken), never tokens
 * (docs/decisions/0014-device-authorization.md).
 */
const ROUNDS = 20;
const INTERVAL_SECONDS = 1;
const password = 'device-race-password';
const run = randomBytes(4).toString('hex');
let stack: Awaited<ReturnType<typeof startTestStack>>;
let client: GrantlineTestClient;
let pollers: string[];
let tokenReplicas: string[];
let resourceServer: { client_id: string; client_secret: string };
/** Signed in once: each approval then goes code → confirm → done. */
let person: FormBrowser;
const email = `racer.${run}@example.test`;

beforeAll(async () => {
  stack = await startTestStack('devrace', {
    replicas: { token: 2, introspection: 1, devicePolling: 2 },
    env: { GRANTLINE_DEVICE_POLL_INTERVAL: String(INTERVAL_SECONDS) },
  });
  client = new GrantlineTestClient(stack.url, stack.adminToken);
  pollers = stack.services.filter((service) => service.name === 'device-polling').map((service) => service.url);
  tokenReplicas = stack.services.filter((service) => service.name === 'token').map((service) => service.url);
  await client.registerUser({ email, name: 'Racer', password });
  resourceServer = await client.registerClient({ name: 'device race API', grant_types: ['client_credentials'] });
  person = new FormBrowser(stack.url);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function deviceClient(label: string): Promise<string> {
  const registered = await client.registerClient({
    name: `race ${label} ${run}`,
    public: true,
    grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
    scopes: 'read',
  });
  return registered.client_id;
}

/**
 * Devices that each polled once (pending), were approved, and have waited their interval: ready
 * to redeem. Prepared together, so the interval is waited once.
 */
async function approvedDevices(clientId: string): Promise<DeviceAnswer[]> {
  const devices: DeviceAnswer[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const device = await startDevice(stack.url, { client_id: clientId });
    const pending = await pollOnce(stack.url, clientId, device.device_code);
    expect(pending.body.error).toBe('authorization_pending');
    await approveDevice(person, { userCode: device.user_code, email, password });
    devices.push(device);
  }
  await sleep(INTERVAL_SECONDS * 1000 + 150);
  return devices;
}

const active = async (token: string) =>
  (await client.introspect(token, resourceServer.client_id, resourceServer.client_secret)).active;

/** Races `targets.length` polls of each device at once and tallies what came back. */
async function race(clientId: string, targets: () => string[]) {
  const tally = { tokens: 0, invalidGrant: 0, slowDown: 0, other: [] as string[] };
  const devices = await approvedDevices(clientId);
  for (const [round, device] of devices.entries()) {
    const answers = await Promise.all(targets().map((target) => pollOnce(target, clientId, device.device_code)));
    const winners = answers.filter((answer) => answer.status === 200);
    expect([round, winners.length]).toEqual([round, 1]);
    for (const answer of answers) {
      if (answer.status === 200) {
        tally.tokens += 1;
        expect(await active(String(answer.body.access_token))).toBe(true);
      } else if (answer.status === 400 && answer.body.error === 'invalid_grant') tally.invalidGrant += 1;
      else if (answer.status === 400 && answer.body.error === 'slow_down') tally.slowDown += 1;
      else tally.other.push(`${answer.status} ${JSON.stringify(answer.body)}`);
      if (answer.status !== 200) expect(answer.body).not.toHaveProperty('access_token');
    }
  }
  return { tally, devices };
}

/** Waits until every device's redemption is in the audit trail; then each must be there exactly once. */
async function expectOneRedemptionEach(clientId: string, devices: DeviceAnswer[]) {
  const ids = devices.map((device) => deviceIdOf(device.device_code));
  const query = { client_id: clientId, type: 'DeviceCodeRedeemed' };
  await auditUntil(client, query, (entries) => ids.every((id) => entries.some((entry) => entry.data.deviceId === id)));
  // Give a stray second redemption time to reach the audit consumer too.
  await sleep(1_000);
  const entries = await auditUntil(client, query, () => true);
  const perDevice = new Map<string, number>();
  for (const entry of entries) {
    const id = String(entry.data.deviceId);
    perDevice.set(id, (perDevice.get(id) ?? 0) + 1);
  }
  expect(ids.map((id) => perDevice.get(id) ?? 0)).toEqual(ids.map(() => 1));
  expect(entries).toHaveLength(devices.length);
  const issued = await auditUntil(client, { client_id: clientId, type: 'AccessTokenIssued' }, () => true);
  expect(issued.filter((entry) => entry.data.grantType === DEVICE_CODE_GRANT)).toHaveLength(devices.length);
}

it('redeems each code once when two polls reach the two device-polling replicas at once', async () => {
  expect(pollers).toHaveLength(2);
  const clientId = await deviceClient('replicas');
  const { tally, devices } = await race(clientId, () => pollers);
  expect(tally.tokens).toBe(ROUNDS);
  expect(tally.invalidGrant + tally.slowDown).toBe(ROUNDS);
  expect(tally.other).toEqual([]);
  await expectOneRedemptionEach(clientId, devices);
}, 120_000);

it('redeems each code once when two polls race through the public origin and both token replicas', async () => {
  expect(tokenReplicas).toHaveLength(2);
  const clientId = await deviceClient('edge');
  const { tally, devices } = await race(clientId, () => [stack.url, stack.url]);
  expect(tally.tokens).toBe(ROUNDS);
  expect(tally.invalidGrant + tally.slowDown).toBe(ROUNDS);
  expect(tally.other).toEqual([]);
  await expectOneRedemptionEach(clientId, devices);
}, 120_000);

it('redeems each code once when four polls race, one through each token replica and each device-polling replica', async () => {
  const clientId = await deviceClient('everywhere');
  const { tally, devices } = await race(clientId, () => [...tokenReplicas, ...pollers]);
  expect(tally.tokens).toBe(ROUNDS);
  expect(tally.invalidGrant + tally.slowDown).toBe(3 * ROUNDS);
  expect(tally.other).toEqual([]);
  await expectOneRedemptionEach(clientId, devices);
}, 120_000);
