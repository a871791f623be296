import { randomBytes } from 'node:crypto';
import { FormBrowser, obtainTokens } from '@grantline/lib-testing';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { sharedTestStack, type TestStack } from './stack-fixture';

const REDIRECT = 'http://127.0.0.1:4999/oauth/callback';
const PASSWORD = 'correct horse battery staple';

let stack: TestStack;
let client: GrantlineTestClient;

beforeAll(async () => {
  stack = await sharedTestStack();
  client = new GrantlineTestClient(stack.url, stack.adminToken);
}, 120_000);

describe('stack: personal access tokens', () => {
  it('makes a token revoked through the public origin inactive on both introspection replicas at once', async () => {
    const spa = await client.registerClient({
      name: 'PAT SPA',
      public: true,
      grant_types: ['authorization_code'],
      // A third-party app mints only with this scope, and what it mints ends with its grant.
      scopes: 'read write personal-access-tokens',
      redirect_uris: [REDIRECT],
    });
    const resourceServer = await client.registerClient({ name: 'PAT API', grant_types: ['client_credentials'] });
    const email = `pat.${randomBytes(4).toString('hex')}@example.test`;
    const { user_id: userId } = await client.registerUser({ email, name: 'Pat', password: PASSWORD });
    const userToken = (
      await obtainTokens(new FormBrowser(stack.url), {
        clientId: spa.client_id,
        redirectUri: REDIRECT,
        email,
        password: PASSWORD,
        scope: 'read write personal-access-tokens',
      })
    ).access_token;
    const introspectors = stack.services.filter((service) => service.name === 'introspection');
    expect(introspectors).toHaveLength(2);
    const onEveryReplica = (token: string) =>
      Promise.all(
        introspectors.map((replica) =>
          client.introspect(token, resourceServer.client_id, resourceServer.client_secret, replica.url),
        ),
      );
    const api = (method: string, path = '', body?: unknown) =>
      fetch(`${stack.url}/oauth/personal-access-tokens${path}`, {
        method,
        headers: { Authorization: `Bearer ${userToken}`, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    for (let round = 0; round < 5; round += 1) {
      const response = await api('POST', '', { name: `round ${round}`, scopes: ['read'], expires_in: 3600 });
      expect(response.status).toBe(201);
      const created = (await response.json()) as { id: string; access_token: string };
      expect(await onEveryReplica(created.access_token)).toEqual([
        expect.objectContaining({ active: true, token_type: 'personal_access_token', sub: userId }),
        expect.objectContaining({ active: true, token_type: 'personal_access_token', sub: userId }),
      ]);

      expect((await api('DELETE', `/${created.id}`)).status).toBe(204);
      expect(await onEveryReplica(created.access_token)).toEqual([{ active: false }, { active: false }]);
      for (const replica of introspectors) {
        const me = await fetch(`${replica.url}/api/user`, {
          headers: { Authorization: `Bearer ${created.access_token}` },
        });
        expect(me.status).toBe(401);
      }
    }
    const listed = (await (await api('GET')).json()) as { personal_access_tokens: Array<{ revoked: boolean }> };
    expect(listed.personal_access_tokens).toHaveLength(5);
    expect(listed.personal_access_tokens.every((token) => token.revoked)).toBe(true);
  });

  it('mints through the admin service with the shared signing keys, and revokes there', async () => {
    const resourceServer = await client.registerClient({ name: 'PAT API 2', grant_types: ['client_credentials'] });
    const email = `pat.${randomBytes(4).toString('hex')}@example.test`;
    const { user_id: userId } = await client.registerUser({ email, name: 'Pat', password: PASSWORD });
    const response = await client.admin('POST', `/admin/users/${userId}/personal-access-tokens`, {
      name: 'operator',
      scopes: ['personal-access-tokens'],
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { id: string; access_token: string };
    const introspectors = stack.services.filter((service) => service.name === 'introspection');
    const onEveryReplica = () =>
      Promise.all(
        introspectors.map((replica) =>
          client.introspect(created.access_token, resourceServer.client_id, resourceServer.client_secret, replica.url),
        ),
      );
    expect(await onEveryReplica()).toEqual([
      expect.objectContaining({ active: true, sub: userId }),
      expect.objectContaining({ active: true, sub: userId }),
    ]);
    expect((await client.admin('DELETE', `/admin/personal-access-tokens/${created.id}`)).status).toBe(204);
    expect(await onEveryReplica()).toEqual([{ active: false }, { active: false }]);
  });
});
