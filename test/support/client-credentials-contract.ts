import type { GrantlineTestClient } from './oauth-test-client';

/**
 * The behaviour the seed's "Testing Examples" expect for client credentials, introspection and
 * revocation, written once and run against both the embedded server and the stack.
 */
export function describeClientCredentialsContract(name: string, client: () => GrantlineTestClient): void {
  describe(`${name}: client credentials, introspection, revocation`, () => {
    let clientId: string;
    let secret: string;

    beforeAll(async () => {
      const registered = await client().registerClient({
        name: 'contract client',
        grant_types: ['client_credentials'],
        scopes: 'read write',
      });
      clientId = registered.client_id;
      secret = registered.client_secret;
    });

    it('authenticates and returns a Bearer token', async () => {
      const token = await client().clientCredentials(clientId, secret, 'read write');
      expect(token.access_token).toEqual(expect.any(String));
      expect(token.token_type).toBe('Bearer');
      expect(token.expires_in).toBeGreaterThan(0);
      expect(token.scope).toBe('read write');
      expect(token).not.toHaveProperty('refresh_token');
    });

    it('introspects a fresh token as active with its metadata', async () => {
      const token = await client().clientCredentials(clientId, secret, 'read');
      const metadata = await client().introspect(String(token.access_token), clientId, secret);
      expect(metadata.active).toBe(true);
      expect(metadata.client_id).toBe(clientId);
      expect(metadata.scope).toBe('read');
      expect(metadata.exp).toBeGreaterThan(Date.now() / 1000);
      expect(metadata).toEqual(
        expect.objectContaining({ sub: clientId, jti: expect.any(String), iss: expect.any(String) }),
      );
    });

    it('introspects an invalid token as inactive', async () => {
      expect(await client().introspect('invalid-token', clientId, secret)).toEqual({ active: false });
    });

    it('revokes a token, after which it introspects inactive', async () => {
      const token = String((await client().clientCredentials(clientId, secret)).access_token);
      const revoked = await client().revoke(token);
      expect(revoked.status).toBe(200);
      expect(await client().introspect(token, clientId, secret)).toEqual({ active: false });
    });

    it('answers 200 when revoking an unknown token', async () => {
      expect((await client().revoke('no-such-token')).status).toBe(200);
    });

    it('sets Cache-Control: no-store on token responses', async () => {
      const response = await client().form('/oauth/token', {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
      });
      expect(response.headers.get('cache-control')).toBe('no-store');
    });

    it.each([
      ['missing grant_type', {}, 400, 'invalid_request'],
      ['unknown grant_type', { grant_type: 'password' }, 400, 'unsupported_grant_type'],
      ['unknown scope', { grant_type: 'client_credentials', scope: 'admin' }, 400, 'invalid_scope'],
    ])('refuses %s', async (_name, params, status, error) => {
      const response = await client().form('/oauth/token', { client_id: clientId, client_secret: secret, ...params });
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ error });
    });

    it('refuses a wrong secret with 401 invalid_client and a Basic challenge', async () => {
      const response = await client().form(
        '/oauth/token',
        { grant_type: 'client_credentials' },
        { authorization: `Basic ${Buffer.from(`${clientId}:wrong`).toString('base64')}` },
      );
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect(await response.json()).toMatchObject({ error: 'invalid_client' });
    });

    it('refuses an oversized body without issuing anything', async () => {
      const response = await client().form('/oauth/token', {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
        scope: 'read '.repeat(20_000),
      });
      expect(response.status).toBe(413);
    });

    it('answers GET on the token endpoint with 405 and never takes credentials from the query', async () => {
      const query = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
      });
      const response = await fetch(`${client().baseUrl}/oauth/token?${query}`);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST, OPTIONS');
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).not.toHaveProperty('access_token');
    });

    it('publishes server metadata and the signing keys', async () => {
      const metadata = (await (
        await fetch(`${client().baseUrl}/.well-known/oauth-authorization-server`)
      ).json()) as Record<string, unknown>;
      expect(metadata).toMatchObject({ grant_types_supported: expect.arrayContaining(['client_credentials']) });
      const jwks = (await (await fetch(`${client().baseUrl}/.well-known/jwks.json`)).json()) as {
        keys: Array<Record<string, unknown>>;
      };
      expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', kid: expect.any(String) });
      expect(jwks.keys[0]).not.toHaveProperty('d');
    });
  });
}
