import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { plainOpenIdClient } from '@grantline/lib-events';
import { MemoryProjectionStore } from '@grantline/lib-projections';
import { clientRegistered, clientSnapshot } from '@grantline/lib-testing';
import { generateSigningJwk, keyRingFromJwks, signAccessToken, type KeyRing } from '@grantline/lib-tokens';
import { projectedClients } from '../clients/client-directory';
import { checkAuthorizationRequest, type AuthorizationRequestCheck } from './authorization-request';

const challenge = createHash('sha256').update('a-verifier-of-at-least-forty-three-characters-long').digest('base64url');
const REDIRECT = 'https://rp.test/cb';
const ISSUER = 'https://grantline.example.test';
const NOW = 1_767_225_600;

function authenticationRequest(extra: Record<string, string> = {}, clientId = 'rp'): URLSearchParams {
  return new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    scope: 'openid profile',
    state: 'st-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
}

describe('OpenID Connect authentication request parameters (Core §3.1.2.1)', () => {
  let store: MemoryProjectionStore;
  let keys: KeyRing;
  let otherKeys: KeyRing;
  const check = (params: URLSearchParams) =>
    checkAuthorizationRequest(
      params,
      { store, clients: projectedClients(store), keys, settings: { issuer: ISSUER } },
      ISSUER,
      { pushed: false, serverRequiresPush: false },
    );
  const idToken = (ring: KeyRing, claims: Record<string, unknown> = {}, typ?: string) =>
    new SignJWT({ sub: 'user-1', aud: 'rp', iss: ISSUER, iat: NOW - 7200, exp: NOW - 3600, ...claims })
      .setProtectedHeader({ alg: ring.active.alg, kid: ring.active.kid, ...(typ === undefined ? {} : { typ }) })
      .sign(ring.active.privateKey);
  const openidOf = async (params: URLSearchParams) => {
    const result = await check(params);
    if (result.kind !== 'valid') throw new Error(`expected a valid request, got ${JSON.stringify(result)}`);
    return result.request.openid;
  };
  const expectRefused = (result: AuthorizationRequestCheck, error: string) =>
    expect(result).toMatchObject({ kind: 'redirect-error', redirectUri: REDIRECT, state: 'st-1', error: { error } });

  beforeAll(async () => {
    keys = await keyRingFromJwks([await generateSigningJwk('ours')]);
    otherKeys = await keyRingFromJwks([await generateSigningJwk('ours')]);
  });

  beforeEach(async () => {
    store = new MemoryProjectionStore();
    const clients = [
      clientSnapshot({ clientId: 'rp', redirectUris: [REDIRECT], scopes: ['openid', 'profile', 'read'] }),
      clientSnapshot({
        clientId: 'strict',
        redirectUris: [REDIRECT],
        scopes: ['openid'],
        openid: { ...plainOpenIdClient(), defaultMaxAge: 300 },
      }),
    ];
    for (const [offset, client] of clients.entries()) {
      await store.apply(clientRegistered(client), { partition: 0, offset: String(offset) });
    }
  });

  it('keeps nonce, max_age, login_hint, acr_values and claims', async () => {
    const claims = { id_token: { email: { essential: true }, acr: null }, userinfo: { name: null } };
    const openid = await openidOf(
      authenticationRequest({
        nonce: 'n-0S6_WzA2Mj',
        max_age: '0',
        login_hint: 'ada@example.test',
        acr_values: 'urn:a  urn:b',
        claims: JSON.stringify(claims),
      }),
    );
    expect(openid).toEqual({
      nonce: 'n-0S6_WzA2Mj',
      maxAge: 0,
      loginHint: 'ada@example.test',
      acrValues: ['urn:a', 'urn:b'],
      claims,
    });
  });

  it('takes max_age from the client when the request has none, and the request’s over it', async () => {
    expect(await openidOf(authenticationRequest({ scope: 'openid' }, 'strict'))).toEqual({ maxAge: 300 });
    expect(await openidOf(authenticationRequest({ scope: 'openid', max_age: '5' }, 'strict'))).toEqual({ maxAge: 5 });
  });

  it('reads no OpenID Connect parameter when the scope lacks openid', async () => {
    const result = await check(authenticationRequest({ scope: 'read', max_age: 'soon', claims: '{', nonce: 'n' }));
    expect(result.kind).toBe('valid');
    if (result.kind === 'valid') expect(result.request).not.toHaveProperty('openid');
  });

  it.each([
    ['a negative max_age', { max_age: '-1' }],
    ['a fractional max_age', { max_age: '1.5' }],
    ['a max_age that is not a number', { max_age: 'soon' }],
    ['claims that are not JSON', { claims: '{"id_token":' }],
    ['claims that are not an object', { claims: '[]' }],
    ['claims whose members are not objects', { claims: '{"id_token":"email"}' }],
    ['a claim asked for with values that are not a list', { claims: '{"userinfo":{"email":{"values":"a"}}}' }],
    ['a repeated nonce', { nonce: 'a' }],
  ])('refuses %s with invalid_request', async (_name, extra) => {
    const params = authenticationRequest(extra);
    if (_name === 'a repeated nonce') params.append('nonce', 'b');
    expectRefused(await check(params), 'invalid_request');
  });

  describe('id_token_hint', () => {
    it('keeps the person an ID token of ours names, expired or not', async () => {
      const openid = await openidOf(authenticationRequest({ id_token_hint: await idToken(keys) }));
      expect(openid?.idTokenHint).toEqual({ sub: 'user-1', aud: ['rp'] });
    });

    it.each([
      ['signed with a key that is not ours', async () => idToken(otherKeys)],
      ['from another issuer', async () => idToken(keys, { iss: 'https://elsewhere.test' })],
      ['typed as something else', async () => idToken(keys, {}, 'logout+jwt')],
      [
        'an access token of ours',
        async () =>
          signAccessToken(keys, {
            iss: ISSUER,
            sub: 'user-1',
            aud: ISSUER,
            client_id: 'rp',
            scope: 'openid',
            jti: 'j',
            iat: NOW,
            exp: NOW + 60,
          }),
      ],
      ['not a JWT at all', async () => 'not-a-token'],
    ])('refuses a hint %s with invalid_request', async (_name, hint) => {
      expectRefused(await check(authenticationRequest({ id_token_hint: await hint() })), 'invalid_request');
    });
  });

  it('refuses a request_uri inside a pushed request with invalid_request (RFC 9126 §2.1)', async () => {
    const result = await checkAuthorizationRequest(
      authenticationRequest({ request_uri: 'urn:ietf:params:oauth:request_uri:x' }),
      { store, clients: projectedClients(store), keys, settings: { issuer: ISSUER } },
      ISSUER,
      { pushed: true },
    );
    expectRefused(result, 'invalid_request');
  });
});
