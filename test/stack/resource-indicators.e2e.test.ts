import { randomBytes } from 'node:crypto';
import { approveDevice, authorize, codeExchange, FormBrowser, refresh, tokenRequest } from '@grantline/lib-testing';
import { pollOnce, startDevice } from '../support/device-flow-contract';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { sharedTestStack, type TestStack } from './stack-fixture';

const REDIRECT = 'http://127.0.0.1:4996/oauth/callback';
const PASSWORD = 'correct horse battery staple';
const run = randomBytes(4).toString('hex');
const ORDERS = `https://orders-${run}.example.test/mcp`;
const BILLING = `https://billing-${run}.example.test/api`;

let stack: TestStack;
let client: GrantlineTestClient;
let introspector: { client_id: string; client_secret: string };
let email: string;

/** What introspection says of a token: its audience and scopes. */
async function audienceOf(token: unknown): Promise<Record<string, unknown>> {
  return client.introspect(String(token), introspector.client_id, introspector.client_secret);
}

beforeAll(async () => {
  stack = await sharedTestStack();
  client = new GrantlineTestClient(stack.url, stack.adminToken);
  for (const resource of [
    { uri: ORDERS, name: `Orders ${run}`, scopes: 'orders:read orders:write' },
    { uri: BILLING, name: `Billing ${run}`, scopes: 'billing:read' },
  ]) {
    expect((await client.admin('POST', '/admin/resources', resource)).status).toBe(201);
  }
  introspector = await client.registerClient({ name: `resources api ${run}`, grant_types: ['client_credentials'] });
  email = `resources.${run}@example.test`;
  await client.registerUser({ email, name: 'Res', password: PASSWORD });
}, 120_000);

describe('stack: resource indicators (RFC 8707)', () => {
  it('issues a client_credentials token for several resources through the token service', async () => {
    const machine = await client.registerClient({
      name: `machine ${run}`,
      scopes: 'read orders:read billing:read',
      resources: [ORDERS, BILLING],
      default_resource: ORDERS,
    });
    const ask = (resources: string[]) => {
      const body = new URLSearchParams({ grant_type: 'client_credentials', ...machine });
      for (const uri of resources) body.append('resource', uri);
      return fetch(`${stack.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    };
    const both = (await (await ask([ORDERS, BILLING])).json()) as Record<string, unknown>;
    expect(await audienceOf(both.access_token)).toMatchObject({
      active: true,
      aud: [ORDERS, BILLING],
      scope: 'orders:read billing:read',
    });
    const defaulted = (await (await ask([])).json()) as Record<string, unknown>;
    expect(await audienceOf(defaulted.access_token)).toMatchObject({ aud: ORDERS, scope: 'orders:read' });
    const refused = await ask([`https://unknown-${run}.example.test/`]);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_target' });
  });

  it('carries the consented resource from the authorize service to the token service and narrows on refresh', async () => {
    const spa = await client.registerClient({
      name: `resource spa ${run}`,
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'orders:read billing:read',
      redirect_uris: [REDIRECT],
    });
    const app = { clientId: spa.client_id, redirectUri: REDIRECT };
    const result = await authorize(new FormBrowser(stack.url), {
      ...app,
      email,
      password: PASSWORD,
      scope: 'orders:read billing:read',
      extra: { resource: ORDERS },
    });
    expect(result.pages).toContain('consent');
    const exchanged = await tokenRequest(stack.url, codeExchange(result, app));
    expect(exchanged.status).toBe(200);
    expect(await audienceOf(exchanged.body.access_token)).toMatchObject({ aud: ORDERS, scope: 'orders:read' });

    const widened = await refresh(stack.url, spa.client_id, String(exchanged.body.refresh_token), {
      resource: BILLING,
    });
    expect(widened).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
    const next = await refresh(stack.url, spa.client_id, String(exchanged.body.refresh_token), { resource: ORDERS });
    expect(next.status).toBe(200);
    expect(await audienceOf(next.body.access_token)).toMatchObject({ aud: ORDERS });
  });

  it('grants a device the resource it asked for, through the device-polling service', async () => {
    const tv = await client.registerClient({
      name: `resource tv ${run}`,
      public: true,
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
      scopes: 'read billing:read',
    });
    const refused = await fetch(`${stack.url}/oauth/device/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: tv.client_id, resource: `urn:example:unknown:${run}` }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_target' });

    const device = await startDevice(stack.url, { client_id: tv.client_id, resource: BILLING });
    await approveDevice(new FormBrowser(stack.url), { email, password: PASSWORD, userCode: device.user_code });
    const tokens = await pollOnce(stack.url, tv.client_id, device.device_code);
    expect(tokens.status).toBe(200);
    expect(await audienceOf(tokens.body.access_token)).toMatchObject({ aud: BILLING, scope: 'billing:read' });
  });
});
