import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { consentId, type GrantlineEvent } from '@grantline/lib-events';
import { repoRoot } from '@grantline/lib-infra';
import { projectionKeys } from '@grantline/lib-projections';
import { authorize, FormBrowser } from '@grantline/lib-testing';
import { sleep } from '../support/device-flow-contract';
import { BACKCHANNEL_RECEIVER_SETTINGS, BackchannelReceiver } from '../support/backchannel-receiver';
import { catalogueEventTypes, driveEveryEventType, readLog, type EventFootprint } from '../support/every-event-type';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { startTestStack } from './stack-fixture';

/** What `grantline projections verify` prints (the parts this test reads). */
interface VerifyReport {
  consistent: boolean;
  events: number;
  differences: Array<Record<string, string>>;
  checksums: Record<string, { expected: string; actual: string; count: number; matches: boolean }>;
  audit: { events: number; audited: number; missing: number; matches: boolean } | null;
}

interface RebuildResult {
  generation: string;
  replaced: string | null;
  events: number;
  seconds: number;
}

const CLI = join(repoRoot(), 'libs/cli/dist/main.js');
/** How long the audit consumer and the projector get to catch up with what the test just did. */
const SETTLE_MS = 20_000;

let stack: Awaited<ReturnType<typeof startTestStack>>;
let receiver: BackchannelReceiver;
let client: GrantlineTestClient;
let redis: Redis;
let prefix: string;
let footprint: EventFootprint;
let logged: GrantlineEvent[];

beforeAll(async () => {
  receiver = await BackchannelReceiver.start();
  stack = await startTestStack('rebuild', {
    replicas: { token: 1, introspection: 1, devicePolling: 1 },
    // Back-channel logout notices reach a receiver on loopback, so both their outcomes are logged.
    env: BACKCHANNEL_RECEIVER_SETTINGS,
  });
  client = new GrantlineTestClient(stack.url, stack.adminToken);
  redis = new Redis(stack.env.REDIS_URL ?? '', { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  prefix = stack.env.GRANTLINE_REDIS_PREFIX ?? '';
}, 120_000);

afterAll(async () => {
  redis?.disconnect();
  await stack?.stop();
  await receiver?.close();
});

/** Runs `grantline projections <command>` with the stack's settings; a non-zero exit is returned, not thrown. */
function projections(command: 'verify' | 'rebuild'): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'projections', command],
      { env: stack.env, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function verify(): Promise<{ code: number; report: VerifyReport }> {
  const { code, stdout, stderr } = await projections('verify');
  if (code !== 0 && code !== 1) throw new Error(`projections verify exited ${code}: ${stderr}`);
  return { code, report: JSON.parse(stdout) as VerifyReport };
}

/** Verifies until the report is consistent (the audit consumer may lag a little) or the time is up. */
async function verifyUntilConsistent(): Promise<{ code: number; report: VerifyReport }> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const outcome = await verify();
    if (outcome.report.consistent || Date.now() > deadline) return outcome;
    await sleep(500);
  }
}

const generationNow = async () => String(await redis.hget(`${prefix}projection`, 'generation'));

async function keysOf(generation: string): Promise<number> {
  let count = 0;
  for await (const keys of redis.scanStream({ match: `${prefix}${generation}:*`, count: 500 })) {
    count += (keys as string[]).length;
  }
  return count;
}

const introspect = (token: string) =>
  client.introspect(token, footprint.resourceServer.client_id, footprint.resourceServer.client_secret);

describe('stack: grantline projections rebuild and verify over every event type', () => {
  it('drives the APIs until the log holds an event of every type in the catalogue', async () => {
    footprint = await driveEveryEventType(client, receiver);
    // Back-channel notices are recorded after their retries are spent: read until they are in (bounded).
    let missing: string[] = [];
    let seen = new Set<string>();
    for (const deadline = Date.now() + 15_000; ; await new Promise((resolve) => setTimeout(resolve, 500))) {
      logged = await readLog(stack.env);
      seen = new Set(logged.map((event) => event.type));
      missing = catalogueEventTypes().filter((type) => !seen.has(type));
      if (missing.length === 0 || Date.now() > deadline) break;
    }
    expect({ missingEventTypes: missing }).toEqual({ missingEventTypes: [] });
    expect([...seen].sort()).toEqual([...catalogueEventTypes()].sort());
  }, 60_000);

  it('verifies, notices damage in each keyspace, rebuilds, and verifies again with the damage repaired', async () => {
    expect(logged).toBeDefined();
    const healthy = await verifyUntilConsistent();
    expect(healthy.report).toMatchObject({ consistent: true, differences: [] });
    expect(healthy.code).toBe(0);

    // Damage: a user, a token revocation marker, a remembered consent, a personal access token.
    const revoked = logged.find(
      (event) => event.type === 'AccessTokenRevoked' && event.data.clientId === footprint.resourceServer.client_id,
    );
    if (revoked?.type !== 'AccessTokenRevoked') throw new Error('the revocation is not in the log');
    const { userId } = footprint.user;
    const consent = consentId(userId, footprint.spa);
    const patId = footprint.personalAccessToken.id;
    const damaged = await generationNow();
    const victims = [
      projectionKeys.record('user', userId),
      projectionKeys.revoked(revoked.data.jti),
      projectionKeys.record('consent', consent),
      projectionKeys.record('personal-access-token', patId),
    ];
    expect(await redis.del(...victims.map((key) => `${prefix}${damaged}:${key}`))).toBe(victims.length);
    // The damage shows: the user is gone, and the revoked token looks live again.
    expect((await client.admin('GET', `/admin/users/${userId}`)).status).toBe(404);
    expect(await introspect(footprint.revokedToken)).toMatchObject({ active: true });

    const broken = await verify();
    expect(broken.code).toBe(1);
    expect(broken.report.consistent).toBe(false);
    expect(broken.report.differences).toEqual(
      expect.arrayContaining([
        { kind: 'user-missing', userId },
        { kind: 'user-email-missing', email: footprint.user.email },
        { kind: 'revocation-missing', jti: revoked.data.jti },
        { kind: 'record-missing', collection: 'consent', id: consent },
        { kind: 'record-missing', collection: 'personal-access-token', id: patId },
      ]),
    );
    const mismatched = Object.entries(broken.report.checksums)
      .filter(([, checksum]) => !checksum.matches)
      .map(([keyspace]) => keyspace)
      .sort();
    // The lost user record also leaves the user's address signing nobody in.
    expect(mismatched).toEqual(['consents', 'personal-access-tokens', 'revocations', 'user-emails', 'users']);

    const { code, stdout, stderr } = await projections('rebuild');
    expect([code, stderr]).toEqual([0, expect.any(String)]);
    const rebuilt = JSON.parse(stdout) as RebuildResult;
    console.log(`projections rebuild: ${rebuilt.events} events in ${rebuilt.seconds} s (${rebuilt.generation})`);
    expect(rebuilt).toEqual({
      generation: expect.stringMatching(/^g[0-9a-z]{14}$/),
      replaced: damaged,
      events: expect.any(Number),
      seconds: expect.any(Number),
    });
    expect(rebuilt.events).toBeGreaterThanOrEqual(logged.length);
    expect(rebuilt.generation).not.toBe(damaged);
    expect(await generationNow()).toBe(rebuilt.generation);

    const repaired = await verifyUntilConsistent();
    expect(repaired.report).toMatchObject({ consistent: true, differences: [] });
    expect(repaired.code).toBe(0);
    const checksums = Object.entries(repaired.report.checksums);
    expect(checksums.filter(([, checksum]) => !checksum.matches)).toEqual([]);
    expect(repaired.report.audit).toMatchObject({ missing: 0, matches: true });

    // The damaged data is back, read through the services.
    expect(await introspect(footprint.revokedToken)).toEqual({ active: false });
    const users = (await (await client.admin('GET', '/admin/users')).json()) as { users: Array<{ user_id: string }> };
    expect(users.users.map((user) => user.user_id)).toContain(userId);
    const pats = (await (await client.admin('GET', `/admin/users/${userId}/personal-access-tokens`)).json()) as {
      personal_access_tokens: Array<{ id: string; revoked: boolean }>;
    };
    expect(pats.personal_access_tokens).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: patId, revoked: false })]),
    );
    // Signing in works again, and the remembered consent skips the consent page.
    const again = await authorize(new FormBrowser(stack.url), {
      clientId: footprint.spa,
      redirectUri: footprint.redirectUri,
      email: footprint.user.email,
      password: footprint.user.password,
      scope: 'read write',
    });
    expect(again.pages).toEqual(['sign-in']);
    expect(again.callback.searchParams.get('code')).toBeTruthy();

    // The projector adopts the rebuilt generation and deletes the one it replaced.
    const deadline = Date.now() + 10_000;
    let left = await keysOf(damaged);
    while (left > 0 && Date.now() < deadline) {
      await sleep(200);
      left = await keysOf(damaged);
    }
    expect({ generation: damaged, keysLeft: left }).toEqual({ generation: damaged, keysLeft: 0 });
    expect(await generationNow()).toBe(rebuilt.generation);
  }, 90_000);
});
