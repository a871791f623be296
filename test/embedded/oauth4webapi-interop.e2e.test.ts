import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as OAuth4WebApi from 'oauth4webapi' with { 'resolution-mode': 'import' };
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { GrantlineTestClient } from '../support/oauth-test-client';

/**
 * oauth4webapi, a client library that implements RFC 9701 and RFC 9728, against the embedded
 * server: what it accepts is what independent clients accept. The server's issuer is its
 * configured public origin; requests to it are sent to the port the test server listens on.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'grantline-interop-'));
// Published as an ES module only: loaded in beforeAll.
let oauth: typeof OAuth4WebApi;
let server: EmbeddedServer;
let issuer: URL;
let as: OAuth4WebApi.AuthorizationServer;
let gateway: { client_id: string; client_secret: string };
let other: { client_id: string; client_secret: string };

const toServer: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  return fetch(`${server.url}${url.pathname}${url.search}`, init);
};
let options: { [OAuth4WebApi.customFetch]: typeof fetch; [OAuth4WebApi.allowInsecureRequests]: boolean };

async function accessToken(): Promise<string> {
  const client = { client_id: other.client_id };
  const response = await oauth.clientCredentialsGrantRequest(
    as,
    client,
    oauth.ClientSecretBasic(other.client_secret),
    new URLSearchParams({ scope: 'read' }),
    options,
  );
  return (await oauth.processClientCredentialsResponse(as, client, response)).access_token;
}

beforeAll(async () => {
  oauth = await import('oauth4webapi');
  options = { [oauth.allowInsecureRequests]: true, [oauth.customFetch]: toServer };
  const config = loadConfig({ GRANTLINE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
  server = await startEmbeddedServer(config, createLogger('interop-test', 'silent'));
  issuer = new URL(config.GRANTLINE_ISSUER);
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oauth2' }),
  );
  const admin = new GrantlineTestClient(server.url, server.adminToken);
  const machine = { grant_types: ['client_credentials'], scopes: 'read' };
  gateway = await admin.registerClient({ name: 'Gateway', ...machine });
  other = await admin.registerClient({ name: 'Orders service', ...machine });
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('oauth4webapi: signed introspection answers (RFC 9701)', () => {
  const gatewayClient = () => ({ client_id: gateway.client_id, introspection_signed_response_alg: 'ES256' });
  /** The gateway asks for a signed answer, as oauth4webapi sends it. */
  const introspectSigned = (token: string) =>
    oauth.introspectionRequest(as, gatewayClient(), oauth.ClientSecretBasic(gateway.client_secret), token, {
      ...options,
      requestJwtResponse: true,
    });

  it('discovers the signing algorithm in the server metadata', () => {
    expect(as.introspection_signing_alg_values_supported).toEqual(['ES256']);
  });

  it('validates a signed answer for the gateway: typ, iss, aud, iat and the signature from the JWKS', async () => {
    const response = await introspectSigned(await accessToken());
    expect(response.headers.get('content-type')).toBe('application/token-introspection+jwt');
    const answer = await oauth.processIntrospectionResponse(as, gatewayClient(), response);
    expect(answer).toMatchObject({ active: true, client_id: other.client_id, aud: issuer.origin, scope: 'read' });
    await expect(oauth.validateApplicationLevelSignature(as, response, options)).resolves.toBeUndefined();
  });

  it('an answer signed for the gateway is refused by any other client (aud)', async () => {
    const response = await introspectSigned(await accessToken());
    const stranger = { client_id: other.client_id };
    await expect(oauth.processIntrospectionResponse(as, stranger, response)).rejects.toThrow(/aud/);
  });

  it('validates a signed inactive answer', async () => {
    const response = await introspectSigned('not-a-token');
    await expect(oauth.processIntrospectionResponse(as, gatewayClient(), response)).resolves.toEqual({
      active: false,
    });
  });
});

describe('oauth4webapi: protected resource metadata (RFC 9728)', () => {
  it('discovers the metadata of Grantline’s own API from its resource identifier, the issuer', async () => {
    const metadata = await oauth.processResourceDiscoveryResponse(
      issuer,
      await oauth.resourceDiscoveryRequest(issuer, options),
    );
    expect(metadata).toMatchObject({
      authorization_servers: [issuer.origin],
      bearer_methods_supported: ['header'],
      dpop_bound_access_tokens_required: false,
    });
    // The authorization server it names is the one the metadata discovery found.
    expect(new URL(metadata.authorization_servers?.[0] ?? '').href).toBe(new URL(as.issuer).href);
  });

  it.each([
    ['/api/user', 'GET'],
    ['/oauth/personal-access-tokens', 'GET'],
    ['/oauth/personal-access-tokens', 'POST'],
  ])('%s (%s) refuses a token it does not know with challenges that name that metadata', async (path, method) => {
    const json = new Headers({ 'content-type': 'application/json' });
    const challenges = await oauth
      .protectedResourceRequest(
        'not-a-token',
        method,
        new URL(path, issuer),
        json,
        method === 'POST' ? '{}' : undefined,
        options,
      )
      .then(
        () => [],
        (error: unknown) => (error instanceof oauth.WWWAuthenticateChallengeError ? error.cause : []),
      );
    expect(challenges).toEqual([
      expect.objectContaining({
        scheme: 'bearer',
        parameters: expect.objectContaining({
          error: 'invalid_token',
          resource_metadata: `${issuer.origin}/.well-known/oauth-protected-resource`,
        }),
      }),
    ]);
  });
});
