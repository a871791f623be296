import { randomBytes } from 'node:crypto';
import { FormBrowser, pkcePair } from '@grantline/lib-testing';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { startTestStack } from './stack-fixture';

/**
 * Both sign-in limits hold through the edge even when the caller sends its own
 * X-Forwarded-For, rotating it on every attempt (docs/decisions/0013-forwarded-addresses.md).
 * The caller is on loopback, which the services trust as a proxy, so only nginx overwriting
 * the header keeps the per-address limit counting the caller rather than what it claims.
 */
const LIMIT_PER_ADDRESS = 10;
const LIMIT_PER_ACCOUNT = 5;
const REDIRECT = 'http://127.0.0.1:4999/oauth/callback';
const password = 'forwarded-address-password';
const run = randomBytes(4).toString('hex');

let stack: Awaited<ReturnType<typeof startTestStack>>;
let client: GrantlineTestClient;
let clientId: string;
/** Failed sign-ins this test file has made from its one real address, across tests. */
let countedFailures = 0;
/** Sign-ins refused in any way (each one is a SignInFailed event). */
let refusals = 0;
const forgedAddresses: string[] = [];

beforeAll(async () => {
  stack = await startTestStack('xff', {
    replicas: { authorize: 2, token: 1, introspection: 1, devicePolling: 1 },
    env: {
      GRANTLINE_SIGN_IN_LIMIT_PER_ADDRESS: String(LIMIT_PER_ADDRESS),
      GRANTLINE_SIGN_IN_LIMIT_PER_ACCOUNT: String(LIMIT_PER_ACCOUNT),
    },
  });
  client = new GrantlineTestClient(stack.url, stack.adminToken);
  clientId = (
    await client.registerClient({
      name: 'forwarded address app',
      public: true,
      first_party: true,
      grant_types: ['authorization_code'],
      scopes: 'read',
      redirect_uris: [REDIRECT],
    })
  ).client_id;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** A new address on every call, from the documentation range (RFC 5737). */
function forgedAddress(): string {
  const address = `203.0.113.${(forgedAddresses.length % 250) + 1}`;
  forgedAddresses.push(address);
  return address;
}

async function newUser(label: string): Promise<string> {
  const email = `${label}.${run}@example.test`;
  await client.registerUser({ email, name: label, password });
  return email;
}

/**
 * One sign-in through the public origin, as a fresh browser: open the authorization page,
 * then submit its form with a forged X-Forwarded-For. Returns the status and the page.
 */
async function signInThroughEdge(email: string, attempt: string): Promise<{ status: number; page: string }> {
  const browser = new FormBrowser(stack.url);
  const page = await browser.get(
    '/oauth/authorize?' +
      new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: REDIRECT,
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
        scope: 'read',
      }).toString(),
  );
  const html = await page.text();
  if (page.status !== 200 || !html.includes('name="password"')) {
    throw new Error(`expected the sign-in page, got ${page.status}`);
  }
  const answer = await browser.submit(html, { email, password: attempt }, { 'x-forwarded-for': forgedAddress() });
  if (answer.status === 401) countedFailures += 1;
  if (answer.status === 401 || answer.status === 429) refusals += 1;
  return { status: answer.status, page: await answer.text() };
}

describe('stack: sign-in limits behind the edge, with a forged X-Forwarded-For', () => {
  it('limits one account after its failures, whatever address each attempt claims', async () => {
    const target = await newUser('target');
    const bystander = await newUser('bystander');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < LIMIT_PER_ACCOUNT; attempt += 1) {
      statuses.push((await signInThroughEdge(target, `wrong-${attempt}`)).status);
    }
    expect(statuses).toEqual(Array.from({ length: LIMIT_PER_ACCOUNT }, () => 401));
    // Even the right password is refused now.
    const locked = await signInThroughEdge(target, password);
    expect(locked.status).toBe(429);
    expect(locked.page).toContain('Too many sign-in attempts');
    // The same caller is still below its address limit, so another account signs in.
    expect(countedFailures).toBeLessThan(LIMIT_PER_ADDRESS);
    expect((await signInThroughEdge(bystander, password)).status).toBe(303);
  }, 60_000);

  it('limits one caller after its failures across many accounts, whatever address it claims', async () => {
    const attempts = LIMIT_PER_ADDRESS + 5;
    const accounts: string[] = [];
    for (let index = 0; index < attempts; index += 1) accounts.push(await newUser(`spray${index}`));
    const allowed = Math.max(LIMIT_PER_ADDRESS - countedFailures, 0);
    const statuses: number[] = [];
    for (const [index, email] of accounts.entries()) {
      // Each account gets one wrong password, far below its own limit.
      statuses.push((await signInThroughEdge(email, `wrong-${index}`)).status);
    }
    expect(statuses).toEqual([
      ...Array.from({ length: allowed }, () => 401),
      ...Array.from({ length: attempts - allowed }, () => 429),
    ]);
    expect(countedFailures).toBe(LIMIT_PER_ADDRESS);
    // The caller is limited, not the accounts: a fresh account with its right password waits too.
    expect((await signInThroughEdge(await newUser('fresh'), password)).status).toBe(429);
  }, 90_000);

  it('records the address the edge saw, never the one the caller claimed', async () => {
    const deadline = Date.now() + 20_000;
    let addresses: string[] = [];
    while (Date.now() < deadline) {
      const response = await client.admin('GET', `/admin/audit?client_id=${clientId}&type=SignInFailed&limit=1000`);
      const body = (await response.json()) as { entries?: Array<{ data: { remoteAddress: string } }> };
      addresses = (body.entries ?? []).map((entry) => entry.data.remoteAddress);
      if (addresses.length >= refusals) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(refusals).toBeGreaterThan(0);
    expect(addresses).toHaveLength(refusals);
    expect(addresses.filter((address) => forgedAddresses.includes(address))).toEqual([]);
    expect([...new Set(addresses)]).toEqual(['127.0.0.1']);
  }, 30_000);
});
