import { randomBytes } from 'node:crypto';
import { FormBrowser, obtainTokens, refresh } from '@grantline/lib-testing';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { startTestStack } from './stack-fixture';

/**
 * Two token replicas receive the same refresh token at the same moment. Exactly one rotation
 * may win; what happens to the loser is docs/decisions/0010-refresh-token-rotation.md.
 */
const ROUNDS = 10;
const REDIRECT = 'http://127.0.0.1/oauth/callback';
let stack: Awaited<ReturnType<typeof startTestStack>>;
let client: GrantlineTestClient;
let tokenReplicas: string[];
const password = 'race-condition-password';
let email: string;
let resourceServer: { client_id: string; client_secret: string };

beforeAll(async () => {
  stack = await startTestStack('race', { replicas: { token: 2, introspection: 1 } });
  client = new GrantlineTestClient(stack.url, stack.adminToken);
  tokenReplicas = stack.services.filter((service) => service.name === 'token').map((service) => service.url);
  email = `racer.${randomBytes(4).toString('hex')}@example.test`;
  await client.registerUser({ email, name: 'Racer', password });
  resourceServer = await client.registerClient({ name: 'race API', grant_types: ['client_credentials'] });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function publicClient(gracePeriod: number): Promise<string> {
  const registered = await client.registerClient({
    name: `race client grace ${gracePeriod}`,
    public: true,
    first_party: true,
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: 'read',
    redirect_uris: [REDIRECT],
    refresh_token_grace_period: gracePeriod,
  });
  return registered.client_id;
}

/** The same refresh token, sent to both token replicas at once. */
async function race(clientId: string) {
  const tokens = await obtainTokens(new FormBrowser(stack.url), {
    clientId,
    redirectUri: 'http://127.0.0.1:5000/oauth/callback',
    email,
    password,
    scope: 'read',
  });
  const answers = await Promise.all(
    tokenReplicas.map((replica) => refresh(replica, clientId, String(tokens.refresh_token))),
  );
  return { tokens, answers };
}

const active = async (token: string) =>
  (await client.introspect(token, resourceServer.client_id, resourceServer.client_secret)).active;

it('lets exactly one of two simultaneous rotations win, and revokes the grant under strict rotation', async () => {
  expect(tokenReplicas).toHaveLength(2);
  const clientId = await publicClient(0);
  for (let round = 0; round < ROUNDS; round += 1) {
    const { tokens, answers } = await race(clientId);
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 400]);
    const winner = answers.find((answer) => answer.status === 200);
    const loser = answers.find((answer) => answer.status === 400);
    expect(loser?.body.error).toBe('invalid_grant');
    // Strict: the second presentation is indistinguishable from a stolen token, so the grant is revoked.
    expect((await refresh(stack.url, clientId, String(winner?.body.refresh_token))).body.error).toBe('invalid_grant');
    expect(await active(String(winner?.body.access_token))).toBe(false);
    expect(await active(tokens.access_token)).toBe(false);
  }
}, 120_000);

it('with a grace period, both presentations succeed and the grant survives', async () => {
  const clientId = await publicClient(30);
  for (let round = 0; round < ROUNDS; round += 1) {
    const { answers } = await race(clientId);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    for (const answer of answers) {
      expect(await active(String(answer.body.access_token))).toBe(true);
      const next = await refresh(stack.url, clientId, String(answer.body.refresh_token));
      expect(next.status).toBe(200);
    }
  }
}, 120_000);

it('records the reuse and the grant revocation in the audit trail', async () => {
  const deadline = Date.now() + 15_000;
  let types: string[] = [];
  while (Date.now() < deadline) {
    const response = await client.admin('GET', '/admin/audit?type=GrantRevoked&limit=50');
    const body = (await response.json()) as { entries: Array<{ type: string }> };
    types = body.entries.map((entry) => entry.type);
    if (types.length >= ROUNDS) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(types.length).toBeGreaterThanOrEqual(ROUNDS);
  const reuse = await client.admin('GET', '/admin/audit?type=ArtifactReuseDetected&limit=50');
  expect(((await reuse.json()) as { entries: unknown[] }).entries.length).toBeGreaterThanOrEqual(ROUNDS);
  for (const type of [
    'SignInSucceeded',
    'AuthorizationCodeIssued',
    'AuthorizationCodeRedeemed',
    'RefreshTokenRotated',
  ]) {
    const found = await client.admin('GET', `/admin/audit?type=${type}&limit=1`);
    expect([type, ((await found.json()) as { entries: unknown[] }).entries.length]).toEqual([type, 1]);
  }
}, 30_000);
