import { randomBytes, randomUUID, webcrypto } from 'node:crypto';
import { SignJWT } from 'jose';
import type * as OAuth4WebApi from 'oauth4webapi' with { 'resolution-mode': 'import' };
import { DEVICE_CODE_GRANT } from '@grantline/lib-events';
import { approveDevice, FormBrowser, JWT_BEARER_ASSERTION } from '@grantline/lib-testing';
import type { GrantlineTestClient } from './oauth-test-client';

/** The server under test: where to send requests, the issuer it names, and its token replicas. */
export interface PrivateKeyJwtTarget {
  baseUrl: string;
  issuer: string;
  admin: GrantlineTestClient;
  /** Base URLs that each reach one token replica (the same URL twice for a single process). */
  tokenReplicas: readonly [string, string];
}

export interface ClientKey {
  kid: string;
  privateKey: webcrypto.CryptoKey;
  jwks: { keys: Record<string, unknown>[] };
}

export async function clientKey(): Promise<ClientKey> {
  const kid = randomUUID();
  const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const publicJwk = await webcrypto.subtle.exportKey('jwk', pair.publicKey);
  return { kid, privateKey: pair.privateKey, jwks: { keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' }] } };
}

/** A client assertion (RFC 7523 §3) signed with `key`, valid for a minute. */
export async function signAssertion(
  key: ClientKey,
  clientId: string,
  audience: string,
  lifetimeSeconds = 60,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetimeSeconds)
    .sign(key.privateKey);
}

export const postForm = async (url: string, form: Record<string, string>) => {
  const response = await fetch(url, { method: 'POST', body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/**
 * `private_key_jwt` (RFC 7523 §2.2) as oauth4webapi sends it: a client registered with its
 * public keys gets tokens by client credentials and by the device grant, introspects and revokes,
 * with no secret; an assertion is accepted once across the token replicas, and mixing methods is
 * refused. Names are unique, so it can run against a shared server.
 */
export async function checkPrivateKeyJwt(target: PrivateKeyJwtTarget): Promise<void> {
  const oauth = await import('oauth4webapi');
  const issuerUrl = new URL(target.issuer);
  // The issuer names the public origin; requests go to the address the test reaches.
  const toServer: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return fetch(`${target.baseUrl}${url.pathname}${url.search}`, init);
  };
  const options = { [oauth.allowInsecureRequests]: true, [oauth.customFetch]: toServer };
  const as = await oauth.processDiscoveryResponse(
    issuerUrl,
    await oauth.discoveryRequest(issuerUrl, { ...options, algorithm: 'oauth2' }),
  );
  expect(as.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
  expect(as.introspection_endpoint_auth_methods_supported).toContain('private_key_jwt');
  expect(as.revocation_endpoint_auth_methods_supported).toContain('private_key_jwt');
  expect(as.token_endpoint_auth_signing_alg_values_supported).toContain('ES256');

  const key = await clientKey();
  const registered = await target.admin.registerClient({
    name: `pkjwt ${randomUUID()}`,
    grant_types: ['client_credentials', DEVICE_CODE_GRANT],
    scopes: 'read',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: key.jwks,
  });
  expect(registered.client_secret).toBeUndefined();
  const client: OAuth4WebApi.Client = { client_id: registered.client_id };
  const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid });

  // Client credentials (RFC 6749 §4.4) with the assertion in place of a secret.
  const issued = await oauth.processClientCredentialsResponse(
    as,
    client,
    await oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams({ scope: 'read' }), options),
  );
  expect(issued).toMatchObject({ scope: 'read' });
  expect(issued.token_type.toLowerCase()).toBe('bearer');

  // Introspection (RFC 7662 §2.1) and revocation (RFC 7009 §2.1) authenticate the same way.
  const introspect = async (token: string) =>
    oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, token, options));
  expect(await introspect(issued.access_token)).toMatchObject({ active: true, client_id: client.client_id });
  await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, issued.access_token, options));
  expect(await introspect(issued.access_token)).toEqual({ active: false });

  // The device grant (RFC 8628): authorization request and poll both authenticated by assertion.
  const email = `pkjwt.${randomBytes(4).toString('hex')}@example.test`;
  const password = 'private-key-jwt-password';
  await target.admin.registerUser({ email, name: 'Key Holder', password });
  const device = await oauth.processDeviceAuthorizationResponse(
    as,
    client,
    await oauth.deviceAuthorizationRequest(as, client, auth, new URLSearchParams({ scope: 'read' }), options),
  );
  await approveDevice(new FormBrowser(target.baseUrl), { userCode: device.user_code, email, password });
  const deviceTokens = await oauth.processDeviceCodeResponse(
    as,
    client,
    await oauth.deviceCodeGrantRequest(as, client, auth, device.device_code, options),
  );
  expect(await introspect(deviceTokens.access_token)).toMatchObject({ active: true, scope: 'read' });

  // RFC 7523 §3 (7): one assertion, sent to each token replica: the second is a replay.
  const assertion = await signAssertion(key, client.client_id, target.issuer);
  const grant = {
    grant_type: 'client_credentials',
    client_assertion_type: JWT_BEARER_ASSERTION,
    client_assertion: assertion,
  };
  const [first, second] = target.tokenReplicas;
  expect((await postForm(`${first}/oauth/token`, grant)).status).toBe(200);
  const replayed = await postForm(`${second}/oauth/token`, grant);
  expect(replayed).toEqual({
    status: 401,
    body: { error: 'invalid_client', error_description: 'Client authentication failed' },
  });

  // RFC 7519 §2: a fractional NumericDate is a valid exp.
  const fractional = await signAssertion(key, client.client_id, target.issuer, 60.5);
  expect(await postForm(`${target.baseUrl}/oauth/token`, { ...grant, client_assertion: fractional })).toMatchObject({
    status: 200,
  });

  // RFC 6749 §2.3: one method per request.
  const mixed = await postForm(`${target.baseUrl}/oauth/token`, { ...grant, client_secret: 'a-secret-as-well' });
  expect(mixed).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
}
