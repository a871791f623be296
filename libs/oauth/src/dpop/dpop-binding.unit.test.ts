import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { UserRecord } from '@grantline/lib-projections';
import { formRequest, oauthFixture, pkcePair, respond, TEST_ISSUER, type OAuthFixture } from '@grantline/lib-testing';
import { verifiedClaims } from '../access-token-check';
import { decideAuthorizationCode } from '../authorize/code-issuer';
import type { OAuthRequest, OAuthResponse } from '../http-types';
import { introspectionEndpoint } from '../introspection-endpoint';
import type { OAuthSettings } from '../oauth-context';
import { tokenEndpoint } from '../token-endpoint';
import { userInfoEndpoint } from '../user-info-endpoint';

/**
 * RFC 9449 end to end through the endpoints: what a proof binds at the token endpoint, which
 * refresh tokens and codes it binds, what clients that require DPoP or nonces are told, and how
 * a resource checks a bound token.
 */
const REDIRECT = 'https://app.test/cb';
const TOKEN_URL = `${TEST_ISSUER}/oauth/token`;
const USER_URL = `${TEST_ISSUER}/api/user`;
const INVALID_REFRESH = 'The refresh token is invalid, expired or revoked';

interface ProofKey {
  privateKey: KeyObject;
  jwk: JWK;
  jkt: string;
}

interface Tokens {
  access_token: string;
  token_type: string;
  refresh_token?: string;
}

type Claims = Record<string, unknown>;

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

async function newKey(): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return { privateKey: privateKey as KeyObject, jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
}

describe('DPoP-bound tokens through the endpoints (RFC 9449)', () => {
  let fixture: OAuthFixture;
  let user: UserRecord;
  let key: ProofKey;
  let otherKey: ProofKey;

  const now = () => Math.floor(fixture.clock.now().getTime() / 1000);

  function proof(by: ProofKey, claims: Claims = {}): Promise<string> {
    const payload = { jti: randomBytes(12).toString('base64url'), htm: 'POST', htu: TOKEN_URL, iat: now(), ...claims };
    return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: by.jwk }).sign(by.privateKey);
  }
  const resourceProof = (by: ProofKey, accessToken: string, claims: Claims = {}) =>
    proof(by, { htm: 'GET', htu: USER_URL, ath: sha256(accessToken), ...claims });

  /** POST /oauth/token, with a proof by `by` when given. */
  async function token(params: Record<string, string>, by?: ProofKey, claims: Claims = {}): Promise<OAuthResponse> {
    const headers: Record<string, string> = by ? { DPoP: await proof(by, claims) } : {};
    return respond(fixture.context, tokenEndpoint, formRequest(params, headers));
  }
  const tokensOf = (response: OAuthResponse): Tokens => {
    expect([response.status, response.body]).toEqual([
      200,
      expect.objectContaining({ access_token: expect.any(String) }),
    ]);
    return response.body as Tokens;
  };
  const errorOf = (response: OAuthResponse) => ({ status: response.status, ...(response.body as object) });

  const clientCredentials = (clientId: string, by?: ProofKey, claims: Claims = {}) =>
    token({ grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-secret` }, by, claims);

  /** Issues a code for `clientId` as the authorize endpoint would, optionally bound with dpop_jkt. */
  async function codeFor(clientId: string, dpopJkt?: string): Promise<{ code: string; verifier: string }> {
    const client = await fixture.store.getClient(clientId);
    if (!client) throw new Error(`client ${clientId} missing`);
    const { verifier, challenge } = pkcePair();
    const request: OAuthRequest = { method: 'GET', headers: {}, body: '', remoteAddress: '127.0.0.1', requestId: 'az' };
    const issued = await decideAuthorizationCode(
      fixture.context,
      request,
      {
        clientId,
        redirectUri: REDIRECT,
        redirectUriGiven: true,
        scopes: ['read'],
        codeChallenge: challenge,
        resources: [],
        ...(dpopJkt === undefined ? {} : { dpopJkt }),
      },
      client,
      user,
      now(),
    );
    await fixture.log.append([issued.event]);
    return { code: new URL(issued.location).searchParams.get('code') ?? '', verifier };
  }

  const redeem = (clientId: string, code: { code: string; verifier: string }, by?: ProofKey, claims: Claims = {}) =>
    token(
      {
        grant_type: 'authorization_code',
        client_id: clientId,
        code: code.code,
        code_verifier: code.verifier,
        redirect_uri: REDIRECT,
        ...(clientId === 'web' ? { client_secret: 'web-secret' } : {}),
      },
      by,
      claims,
    );

  const refresh = (clientId: string, refreshToken: string, by?: ProofKey) =>
    token(
      {
        grant_type: 'refresh_token',
        client_id: clientId,
        refresh_token: refreshToken,
        ...(clientId === 'web' ? { client_secret: 'web-secret' } : {}),
      },
      by,
    );

  const userInfo = (headers: Record<string, string>) =>
    respond(fixture.context, userInfoEndpoint, {
      method: 'GET',
      headers,
      body: '',
      path: '/api/user',
      remoteAddress: '127.0.0.1',
      requestId: 'user-info',
    });

  const introspect = async (accessToken: string) =>
    (
      await respond(
        fixture.context,
        introspectionEndpoint,
        formRequest({ token: accessToken, client_id: 'rs', client_secret: 'rs-secret' }),
      )
    ).body as Record<string, unknown>;

  const eventsOf = (type: string) => fixture.log.events.filter((event) => event.type === type);
  const lastData = (type: string) => (eventsOf(type).at(-1) as { data: Record<string, unknown> } | undefined)?.data;

  async function setUp(settings: Partial<OAuthSettings> = {}): Promise<void> {
    fixture = await oauthFixture(settings);
    const confidential = (clientId: string, extra: Record<string, unknown> = {}) =>
      fixture.registerClient({
        name: clientId,
        client_id: clientId,
        client_secret: `${clientId}-secret`,
        grant_types: ['client_credentials'],
        scopes: 'read',
        ...extra,
      });
    const codeClient = { grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [REDIRECT] };
    await confidential('service');
    await confidential('strict', { require_dpop: true });
    await confidential('nonced', { dpop_nonce: true });
    await confidential('rs', { grant_types: ['client_credentials'] });
    await confidential('web', codeClient);
    await fixture.registerClient({ name: 'spa', client_id: 'spa', public: true, scopes: 'read', ...codeClient });
    await fixture.registerClient({
      name: 'nonced spa',
      client_id: 'nonced-spa',
      public: true,
      scopes: 'read',
      dpop_nonce: true,
      ...codeClient,
    });
    user = await fixture.registerUser({ email: 'ada@example.test', name: 'Ada', password: 'correct horse battery' });
  }

  beforeAll(async () => {
    [key, otherKey] = await Promise.all([newKey(), newKey()]);
  });

  beforeEach(() => setUp());

  describe('client credentials', () => {
    it('binds the token to the proof’s key: token_type DPoP, cnf.jkt, the event and introspection', async () => {
      const tokens = tokensOf(await clientCredentials('service', key));
      expect(tokens.token_type).toBe('DPoP');
      expect(await verifiedClaims(fixture.context, tokens.access_token)).toMatchObject({ cnf: { jkt: key.jkt } });
      expect(lastData('AccessTokenIssued')).toMatchObject({ grantType: 'client_credentials', jkt: key.jkt });
      expect(await introspect(tokens.access_token)).toMatchObject({
        active: true,
        token_type: 'DPoP',
        cnf: { jkt: key.jkt },
      });
    });

    it('issues a Bearer token without cnf when there is no proof', async () => {
      const tokens = tokensOf(await clientCredentials('service'));
      expect(tokens.token_type).toBe('Bearer');
      expect(await verifiedClaims(fixture.context, tokens.access_token)).not.toHaveProperty('cnf');
      expect(lastData('AccessTokenIssued')).not.toHaveProperty('jkt');
      const introspection = await introspect(tokens.access_token);
      expect(introspection).toMatchObject({ active: true, token_type: 'Bearer' });
      expect(introspection).not.toHaveProperty('cnf');
    });

    it('refuses an invalid proof and issues nothing', async () => {
      const response = await clientCredentials('service', key, { htm: 'GET' });
      expect(errorOf(response)).toMatchObject({ status: 400, error: 'invalid_dpop_proof' });
      expect(eventsOf('AccessTokenIssued')).toHaveLength(0);
    });
  });

  describe('authorization code and refresh for a public client', () => {
    async function boundTokens(): Promise<Tokens & { refresh_token: string }> {
      const tokens = tokensOf(await redeem('spa', await codeFor('spa'), key));
      if (!tokens.refresh_token) throw new Error('no refresh token');
      return { ...tokens, refresh_token: tokens.refresh_token };
    }

    it('issues DPoP tokens and a refresh token bound to the same key', async () => {
      const tokens = await boundTokens();
      expect(tokens.token_type).toBe('DPoP');
      expect(await verifiedClaims(fixture.context, tokens.access_token)).toMatchObject({ cnf: { jkt: key.jkt } });
      expect(lastData('AccessTokenIssued')).toMatchObject({ grantType: 'authorization_code', jkt: key.jkt });
      expect(lastData('RefreshTokenIssued')).toMatchObject({ clientId: 'spa', jkt: key.jkt });
    });

    it.each<[string, () => ProofKey | undefined]>([
      ['without a proof', () => undefined],
      ['with a proof by another key', () => otherKey],
    ])('refuses the refresh token %s, consuming nothing', async (_name, by) => {
      const tokens = await boundTokens();
      const events = fixture.log.events.length;
      const refused = await refresh('spa', tokens.refresh_token, by());
      expect(errorOf(refused)).toEqual({ status: 400, error: 'invalid_grant', error_description: INVALID_REFRESH });
      expect(fixture.log.events).toHaveLength(events);

      const next = tokensOf(await refresh('spa', tokens.refresh_token, key));
      expect(next.token_type).toBe('DPoP');
      expect(await verifiedClaims(fixture.context, next.access_token)).toMatchObject({ cnf: { jkt: key.jkt } });
      expect(lastData('RefreshTokenRotated')).toMatchObject({ withinGracePeriod: false, jkt: key.jkt });
    });

    it('keeps the rotated refresh token bound to the first key', async () => {
      const tokens = await boundTokens();
      const next = tokensOf(await refresh('spa', tokens.refresh_token, key));
      const rotated = String(next.refresh_token);
      expect(errorOf(await refresh('spa', rotated))).toMatchObject({ status: 400, error: 'invalid_grant' });
      expect(errorOf(await refresh('spa', rotated, otherKey))).toMatchObject({ status: 400, error: 'invalid_grant' });
      expect(tokensOf(await refresh('spa', rotated, key)).token_type).toBe('DPoP');
    });

    it('issues Bearer tokens and an unbound refresh token when the code is redeemed without a proof', async () => {
      const tokens = tokensOf(await redeem('spa', await codeFor('spa')));
      expect(tokens.token_type).toBe('Bearer');
      expect(lastData('RefreshTokenIssued')).not.toHaveProperty('jkt');
      expect(tokensOf(await refresh('spa', String(tokens.refresh_token))).token_type).toBe('Bearer');
    });
  });

  describe('a confidential client', () => {
    it('gets DPoP access tokens but a refresh token bound to its authentication, not to the key', async () => {
      const tokens = tokensOf(await redeem('web', await codeFor('web'), key));
      expect(tokens.token_type).toBe('DPoP');
      expect(lastData('RefreshTokenIssued')).not.toHaveProperty('jkt');

      const withoutProof = tokensOf(await refresh('web', String(tokens.refresh_token)));
      expect(withoutProof.token_type).toBe('Bearer');
      const withAnotherKey = tokensOf(await refresh('web', String(withoutProof.refresh_token), otherKey));
      expect(withAnotherKey.token_type).toBe('DPoP');
      expect(await verifiedClaims(fixture.context, withAnotherKey.access_token)).toMatchObject({
        cnf: { jkt: otherKey.jkt },
      });
    });
  });

  describe('a code bound with dpop_jkt (RFC 9449 §10)', () => {
    const DESCRIPTION = 'The DPoP key is not the one the authorization request named (dpop_jkt)';

    it.each<[string, () => ProofKey | undefined]>([
      ['without a proof', () => undefined],
      ['with a proof by another key', () => otherKey],
    ])('is refused %s, and still redeemable with the named key', async (_name, by) => {
      const code = await codeFor('spa', key.jkt);
      const refused = await redeem('spa', code, by());
      expect(errorOf(refused)).toEqual({ status: 400, error: 'invalid_dpop_proof', error_description: DESCRIPTION });
      expect(eventsOf('AuthorizationCodeRedeemed')).toHaveLength(0);

      const tokens = tokensOf(await redeem('spa', code, key));
      expect(tokens.token_type).toBe('DPoP');
      expect(await verifiedClaims(fixture.context, tokens.access_token)).toMatchObject({ cnf: { jkt: key.jkt } });
      expect(eventsOf('AuthorizationCodeRedeemed')).toHaveLength(1);
    });

    it('binds a confidential client’s code as well', async () => {
      const code = await codeFor('web', key.jkt);
      expect(errorOf(await redeem('web', code))).toMatchObject({ status: 400, error: 'invalid_dpop_proof' });
      expect(tokensOf(await redeem('web', code, key)).token_type).toBe('DPoP');
    });
  });

  describe('a client registered with require_dpop', () => {
    it('is refused without a proof and issued a DPoP token with one', async () => {
      const refused = await clientCredentials('strict');
      expect(errorOf(refused)).toEqual({
        status: 400,
        error: 'invalid_dpop_proof',
        error_description: 'This client must send a DPoP proof',
      });
      expect(eventsOf('AccessTokenIssued')).toHaveLength(0);
      expect(tokensOf(await clientCredentials('strict', key)).token_type).toBe('DPoP');
    });
  });

  describe('server nonces at the token endpoint', () => {
    it('asks a dpop_nonce client for a nonce, accepts it, and sends the next one on success', async () => {
      const asked = await clientCredentials('nonced', key);
      expect(errorOf(asked)).toMatchObject({ status: 400, error: 'use_dpop_nonce' });
      const nonce = asked.headers['DPoP-Nonce'];
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(eventsOf('AccessTokenIssued')).toHaveLength(0);

      const issued = await clientCredentials('nonced', key, { nonce });
      expect(tokensOf(issued).token_type).toBe('DPoP');
      expect(issued.headers['DPoP-Nonce']).toBe(nonce);
    });

    it('refuses a nonce that is two periods old', async () => {
      const nonce = (await clientCredentials('nonced', key)).headers['DPoP-Nonce'];
      fixture.clock.advance(2 * fixture.context.settings.dpop.noncePeriodSeconds);
      const refused = await clientCredentials('nonced', key, { nonce });
      expect(errorOf(refused)).toMatchObject({ status: 400, error: 'use_dpop_nonce' });
      expect(refused.headers['DPoP-Nonce']).not.toBe(nonce);
    });

    it('asks every client for a nonce when GRANTLINE_DPOP_NONCE is on', async () => {
      await setUp({ dpop: { proofWindowSeconds: 60, nonceRequired: true, noncePeriodSeconds: 300 } });
      const asked = await clientCredentials('service', key);
      expect(errorOf(asked)).toMatchObject({ status: 400, error: 'use_dpop_nonce' });
      const issued = await clientCredentials('service', key, { nonce: asked.headers['DPoP-Nonce'] });
      expect(tokensOf(issued).token_type).toBe('DPoP');
    });

    it('sends no nonce to clients that need none', async () => {
      const issued = await clientCredentials('service', key);
      expect(tokensOf(issued).token_type).toBe('DPoP');
      expect(issued.headers).not.toHaveProperty('DPoP-Nonce');
    });
  });

  describe('GET /api/user', () => {
    let bound: string;

    beforeEach(async () => {
      bound = tokensOf(await redeem('spa', await codeFor('spa'), key)).access_token;
    });

    it('answers the user for the DPoP scheme with a proof by the bound key', async () => {
      const response = await userInfo({ authorization: `DPoP ${bound}`, dpop: await resourceProof(key, bound) });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ sub: user.userId, email: 'ada@example.test' });
    });

    it('accepts the scheme name in any case', async () => {
      const response = await userInfo({ authorization: `dpop ${bound}`, dpop: await resourceProof(key, bound) });
      expect(response.status).toBe(200);
    });

    it.each<[string, (token: string) => Promise<Record<string, string>>, string, string]>([
      [
        'the bound token sent as Bearer',
        async (token) => ({ authorization: `Bearer ${token}`, dpop: await resourceProof(key, token) }),
        'invalid_token',
        'The access token must be sent as DPoP',
      ],
      ['no proof', async (token) => ({ authorization: `DPoP ${token}` }), 'invalid_token', 'A DPoP proof is required'],
      [
        'a proof with the ath of another token',
        async (token) => ({ authorization: `DPoP ${token}`, dpop: await resourceProof(key, `${token}x`) }),
        'invalid_dpop_proof',
        'The DPoP proof does not match the access token (ath)',
      ],
      [
        'a proof without ath',
        async (token) => ({
          authorization: `DPoP ${token}`,
          dpop: await resourceProof(key, token, { ath: undefined }),
        }),
        'invalid_dpop_proof',
        'The DPoP proof does not match the access token (ath)',
      ],
      [
        'a proof by another key',
        async (token) => ({ authorization: `DPoP ${token}`, dpop: await resourceProof(otherKey, token) }),
        'invalid_token',
        'The DPoP proof is signed by another key than the token is bound to',
      ],
      [
        'a proof for the token endpoint',
        async (token) => ({
          authorization: `DPoP ${token}`,
          dpop: await resourceProof(key, token, { htu: TOKEN_URL }),
        }),
        'invalid_dpop_proof',
        'The DPoP proof is for another URL',
      ],
      [
        'a proof for POST',
        async (token) => ({ authorization: `DPoP ${token}`, dpop: await resourceProof(key, token, { htm: 'POST' }) }),
        'invalid_dpop_proof',
        'The DPoP proof is for another HTTP method',
      ],
      [
        'a proof whose jwk is a string (RFC 7517 §4: a JWK is an object)',
        async (token) => ({
          authorization: `DPoP ${token}`,
          dpop: `${Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: 'x' })).toString('base64url')}.e30.c2ln`,
        }),
        'invalid_dpop_proof',
        'The DPoP proof must carry a well-formed public jwk',
      ],
      [
        'two proofs',
        async (token) => ({
          authorization: `DPoP ${token}`,
          dpop: `${await resourceProof(key, token)}, ${await resourceProof(key, token)}`,
        }),
        'invalid_dpop_proof',
        'Send exactly one DPoP header',
      ],
    ])('refuses %s with 401 and a DPoP challenge', async (_name, headers, error, description) => {
      const response = await userInfo(await headers(bound));
      expect(errorOf(response)).toEqual({ status: 401, error, error_description: description });
      expect(response.headers['WWW-Authenticate']).toMatch(new RegExp(`^DPoP error="${error}", .*algs="`));
      expect(response.body).not.toHaveProperty('sub');
    });

    it('refuses a replayed proof', async () => {
      const headers = { authorization: `DPoP ${bound}`, dpop: await resourceProof(key, bound) };
      expect((await userInfo(headers)).status).toBe(200);
      const replayed = await userInfo(headers);
      expect(errorOf(replayed)).toMatchObject({ status: 401, error: 'invalid_dpop_proof' });
    });

    it('refuses an unbound token sent with the DPoP scheme', async () => {
      const unbound = tokensOf(await redeem('spa', await codeFor('spa'))).access_token;
      const response = await userInfo({ authorization: `DPoP ${unbound}`, dpop: await resourceProof(key, unbound) });
      expect(errorOf(response)).toEqual({
        status: 401,
        error: 'invalid_token',
        error_description: 'The access token is not DPoP-bound',
      });
      expect(response.headers['WWW-Authenticate']).toMatch(/^DPoP error="invalid_token"/);
      expect((await userInfo({ authorization: `Bearer ${unbound}` })).status).toBe(200);
    });

    it('asks for a nonce when the token’s client requires nonces, and accepts the proof with it', async () => {
      const code = await codeFor('nonced-spa');
      const asked = await redeem('nonced-spa', code, key);
      expect(errorOf(asked)).toMatchObject({ status: 400, error: 'use_dpop_nonce' });
      // Asked before the code was looked at: the same code is redeemed with the nonce.
      const tokens = tokensOf(await redeem('nonced-spa', code, key, { nonce: asked.headers['DPoP-Nonce'] }));
      const withoutNonce = await userInfo({
        authorization: `DPoP ${tokens.access_token}`,
        dpop: await resourceProof(key, tokens.access_token),
      });
      expect(errorOf(withoutNonce)).toMatchObject({ status: 401, error: 'use_dpop_nonce' });
      expect(withoutNonce.headers['WWW-Authenticate']).toMatch(/^DPoP error="use_dpop_nonce"/);
      const resourceNonce = withoutNonce.headers['DPoP-Nonce'];
      expect(resourceNonce).toEqual(expect.any(String));

      const response = await userInfo({
        authorization: `DPoP ${tokens.access_token}`,
        dpop: await resourceProof(key, tokens.access_token, { nonce: resourceNonce }),
      });
      expect(response.status).toBe(200);
    });
  });
});
