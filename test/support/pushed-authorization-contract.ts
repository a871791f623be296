import { randomUUID, webcrypto } from 'node:crypto';
import type * as OAuth from 'oauth4webapi' with { 'resolution-mode': 'import' };
import { followAuthorization, FormBrowser, pkcePair } from '@grantline/lib-testing';
import type { GrantlineTestClient } from './oauth-test-client';

const REDIRECT = 'http://127.0.0.1:4998/oauth/callback';

/** Where a run sends each kind of request: in turn to each of several replicas, or all to one origin. */
export interface PushedAuthorizationSite {
  /** The public origin, which is the issuer. */
  issuer: string;
  admin: GrantlineTestClient;
  /** Where the browser goes: replicas of the authorization pages, or the origin. */
  authorizeUrls: readonly string[];
  /** Where the client's own requests go (push, token): replicas of the token service, or the origin. */
  tokenUrls: readonly string[];
}

/** How a client authenticates at the PAR and token endpoints, and the client as oauth4webapi knows it. */
export interface PushingClient {
  client: OAuth.Client;
  auth: OAuth.ClientAuth;
}

/** The first and the last of a list: two replicas when there are two, the one origin otherwise. */
const firstOf = (urls: readonly string[]) => urls[0] ?? '';
const lastOf = (urls: readonly string[]) => urls[urls.length - 1] ?? '';

/**
 * A client that must push (RFC 9126 §6) runs the whole flow with oauth4webapi: the push with a
 * DPoP proof on one token replica, sign-in and consent with only client_id and request_uri on an
 * authorize replica, the DPoP-bound code redeemed with PKCE on the other token replica. Then the
 * request_uri is refused a second time on the other authorize replica, another client cannot use
 * it, and a front-channel request of that client is refused. `client` registers the client (a
 * public one by default) through the admin API and says how it authenticates.
 */
export async function checkPushedAuthorization(
  site: PushedAuthorizationSite,
  client: (registration: Record<string, unknown>) => Promise<PushingClient> = publicClient(site.admin),
): Promise<void> {
  const oauth = await import('oauth4webapi');
  const sentTo =
    (base: string): typeof fetch =>
    (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      return fetch(`${base}${url.pathname}${url.search}`, init);
    };
  const options = (base: string) => ({ [oauth.allowInsecureRequests]: true, [oauth.customFetch]: sentTo(base) });
  const issuer = new URL(site.issuer);
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { ...options(firstOf(site.tokenUrls)), algorithm: 'oauth2' }),
  );
  expect(as.pushed_authorization_request_endpoint).toBe(`${site.issuer}/oauth/par`);

  const person = { email: `par-${randomUUID()}@example.test`, name: 'Pushed', password: 'pushed request password' };
  await site.admin.registerUser(person);
  const registration = {
    name: `pushing app ${randomUUID()}`,
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: 'read write',
    redirect_uris: [REDIRECT],
    require_pushed_authorization_requests: true,
  };
  const pushing = await client(registration);
  const dpop = oauth.DPoP(pushing.client, await oauth.generateKeyPair('ES256'));
  const { verifier, challenge } = pkcePair();
  const state = oauth.generateRandomState();
  const pushed = await oauth.processPushedAuthorizationResponse(
    as,
    pushing.client,
    await oauth.pushedAuthorizationRequest(
      as,
      pushing.client,
      pushing.auth,
      {
        response_type: 'code',
        redirect_uri: REDIRECT,
        scope: 'read',
        state,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      },
      { ...options(firstOf(site.tokenUrls)), DPoP: dpop },
    ),
  );
  expect(pushed.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
  expect(pushed.expires_in).toBe(60);

  // RFC 9126 §4: only client_id and request_uri count; a scope in the query is ignored.
  const { client_id: clientId } = pushing.client;
  const reference = new URLSearchParams({ client_id: clientId, request_uri: pushed.request_uri, scope: 'read write' });
  const signIn = new FormBrowser(firstOf(site.authorizeUrls));
  const { callback, pages } = await followAuthorization(signIn, `/oauth/authorize?${reference}`, person);
  expect(pages).toEqual(['sign-in', 'consent']);
  const callbackParameters = oauth.validateAuthResponse(as, pushing.client, callback, state);

  // The push bound the code to the DPoP key (RFC 9449 §10.1): redeemed without a proof, it is refused.
  const redeem = (withProof: boolean) =>
    oauth.authorizationCodeGrantRequest(as, pushing.client, pushing.auth, callbackParameters, REDIRECT, verifier, {
      ...options(lastOf(site.tokenUrls)),
      ...(withProof ? { DPoP: dpop } : {}),
    });
  const unbound = await redeem(false);
  expect(unbound.status).toBe(400);
  const tokens = await oauth.processAuthorizationCodeResponse(as, pushing.client, await redeem(true));
  expect(tokens.token_type).toBe('dpop');
  expect(tokens.scope).toBe('read');
  const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString()) as {
    cnf?: { jkt?: string };
  };
  expect(claims.cnf?.jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);

  // RFC 9126 §4: used once. The redirect URI is the verified one, so the client hears of it there.
  const again = await new FormBrowser(lastOf(site.authorizeUrls)).get(`/oauth/authorize?${reference}`);
  expect(again.status).toBe(302);
  const refused = new URL(again.headers.get('location') ?? '');
  expect(`${refused.origin}${refused.pathname}`).toBe(REDIRECT);
  expect(Object.fromEntries(refused.searchParams)).toMatchObject({ error: 'invalid_request_uri', state });

  // Another client cannot use a pushed request, and the pushing client cannot skip the push (§6).
  const another = await site.admin.registerClient({ ...registration, public: true, name: 'another app' });
  const fresh = await oauth.processPushedAuthorizationResponse(
    as,
    pushing.client,
    await oauth.pushedAuthorizationRequest(
      as,
      pushing.client,
      pushing.auth,
      {
        response_type: 'code',
        redirect_uri: REDIRECT,
        scope: 'read',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      },
      options(lastOf(site.tokenUrls)),
    ),
  );
  const stolen = new URLSearchParams({ client_id: another.client_id, request_uri: fresh.request_uri });
  expect((await new FormBrowser(firstOf(site.authorizeUrls)).get(`/oauth/authorize?${stolen}`)).status).toBe(400);
  const direct = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const skipped = await new FormBrowser(firstOf(site.authorizeUrls)).get(`/oauth/authorize?${direct}`);
  expect(skipped.status).toBe(302);
  expect(new URL(skipped.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_request');

  // A push that fails a check is a JSON error (RFC 9126 §2.3); this one goes through the public origin.
  const wrongRedirect = await oauth.pushedAuthorizationRequest(
    as,
    pushing.client,
    pushing.auth,
    {
      response_type: 'code',
      redirect_uri: 'https://elsewhere.example.test/cb',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    },
    options(site.issuer),
  );
  expect(wrongRedirect.status).toBe(400);
  expect(await wrongRedirect.json()).toMatchObject({ error: 'invalid_request' });
}

/** A public client: it sends client_id alone (RFC 9126 §2). */
function publicClient(admin: GrantlineTestClient) {
  return async (registration: Record<string, unknown>): Promise<PushingClient> => {
    const oauth = await import('oauth4webapi');
    const registered = await admin.registerClient({ ...registration, public: true });
    return { client: { client_id: registered.client_id }, auth: oauth.None() };
  };
}

/**
 * A confidential client that authenticates with `private_key_jwt` (RFC 7523 §2.2): with PAR,
 * PKCE and DPoP, the flow FAPI 2.0 prescribes.
 */
export function privateKeyJwtClient(admin: GrantlineTestClient) {
  return async (registration: Record<string, unknown>): Promise<PushingClient> => {
    const oauth = await import('oauth4webapi');
    const kid = randomUUID();
    const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const publicJwk = await webcrypto.subtle.exportKey('jwk', pair.publicKey);
    const registered = await admin.registerClient({
      ...registration,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' }] },
    });
    expect(registered.client_secret).toBeUndefined();
    return {
      client: { client_id: registered.client_id },
      auth: oauth.PrivateKeyJwt({ key: pair.privateKey, kid }),
    };
  };
}
