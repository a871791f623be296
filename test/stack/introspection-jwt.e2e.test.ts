import { createRemoteJWKSet, jwtVerify } from 'jose';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { sharedTestStack, type TestStack } from './stack-fixture';

let stack: TestStack;
let client: GrantlineTestClient;

beforeAll(async () => {
  stack = await sharedTestStack();
  client = new GrantlineTestClient(stack.url, stack.adminToken);
}, 120_000);

describe('stack: the introspection service through the edge', () => {
  it('answers a signed JWT when asked (RFC 9701), verifiable with the published JWKS', async () => {
    const machine = { grant_types: ['client_credentials'], scopes: 'read' };
    const app = await client.registerClient({ name: 'JWT introspection app', ...machine });
    const gateway = await client.registerClient({ name: 'JWT introspection gateway', ...machine });
    const { access_token } = (await client.clientCredentials(app.client_id, app.client_secret)) as {
      access_token: string;
    };
    const credentials = Buffer.from(`${gateway.client_id}:${gateway.client_secret}`).toString('base64');
    const response = await fetch(`${stack.url}/oauth/introspect`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${credentials}`,
        Accept: 'application/token-introspection+jwt',
      },
      body: new URLSearchParams({ token: access_token }).toString(),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/token-introspection+jwt');
    expect(response.headers.get('cache-control')).toBe('no-store');

    const metadata = (await (await fetch(`${stack.url}/.well-known/oauth-authorization-server`)).json()) as {
      issuer: string;
      jwks_uri: string;
      introspection_signing_alg_values_supported: string[];
    };
    const { payload } = await jwtVerify(await response.text(), createRemoteJWKSet(new URL(metadata.jwks_uri)), {
      issuer: metadata.issuer,
      audience: gateway.client_id,
      typ: 'token-introspection+jwt',
      algorithms: metadata.introspection_signing_alg_values_supported,
    });
    expect(payload.token_introspection).toMatchObject({ active: true, client_id: app.client_id, scope: 'read' });
    expect(payload).not.toHaveProperty('sub');
    expect(payload).not.toHaveProperty('exp');
  });

  it('serves the protected resource metadata its /api/user challenges name (RFC 9728)', async () => {
    const refused = await fetch(`${stack.url}/api/user`, { headers: { Authorization: 'Bearer not-a-token' } });
    expect(refused.status).toBe(401);
    const named = /resource_metadata="([^"]+)"/.exec(refused.headers.get('www-authenticate') ?? '')?.[1];
    expect(named).toBe(`${stack.url}/.well-known/oauth-protected-resource`);
    const metadata = await fetch(named ?? '');
    expect(metadata.status).toBe(200);
    expect(await metadata.json()).toMatchObject({ resource: stack.url, authorization_servers: [stack.url] });
  });
});
