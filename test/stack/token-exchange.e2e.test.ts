import { randomBytes } from 'node:crypto';
import { basic, GrantlineTestClient } from '../support/oauth-test-client';
import { pollUntil } from '../support/poll-until';
import { sharedTestStack, type TestStack } from './stack-fixture';

const run = randomBytes(4).toString('hex');
const ORDERS = `https://orders-${run}.example.test/api`;
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

let stack: TestStack;
let client: GrantlineTestClient;

beforeAll(async () => {
  stack = await sharedTestStack();
  client = new GrantlineTestClient(stack.url, stack.adminToken);
  const registered = await client.admin('POST', '/admin/resources', {
    uri: ORDERS,
    name: `Orders ${run}`,
    scopes: 'read',
  });
  expect(registered.status).toBe(201);
}, 120_000);

describe('stack: token exchange (RFC 8693)', () => {
  it('issues through the token service a token that introspection ends with its subject token', async () => {
    const caller = await client.registerClient({ name: `caller ${run}`, scopes: 'read write' });
    const exchanger = await client.registerClient({
      name: `exchanger ${run}`,
      grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'],
      scopes: 'read',
      resources: [ORDERS],
    });
    const subject = String((await client.clientCredentials(caller.client_id, caller.client_secret)).access_token);
    const response = await client.form(
      '/oauth/token',
      {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: subject,
        subject_token_type: ACCESS_TOKEN,
        resource: ORDERS,
      },
      { authorization: basic(exchanger.client_id, exchanger.client_secret) },
    );
    expect(response.status).toBe(200);
    const exchanged = (await response.json()) as Record<string, unknown>;
    expect(exchanged).toMatchObject({ issued_token_type: ACCESS_TOKEN, scope: 'read' });
    const introspect = () => client.introspect(String(exchanged.access_token), caller.client_id, caller.client_secret);
    expect(await introspect()).toMatchObject({ active: true, aud: ORDERS, client_id: exchanger.client_id });

    expect((await client.revoke(subject)).status).toBe(200);
    expect(await pollUntil(introspect, (answer) => answer.active === false, 10_000)).toEqual({ active: false });
  });
});
