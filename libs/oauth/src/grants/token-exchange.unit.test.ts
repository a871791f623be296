import { randomBytes, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { TOKEN_EXCHANGE_GRANT } from '@grantline/lib-events';
import type { UserRecord } from '@grantline/lib-projections';
import { signAccessToken, type AccessTokenClaims } from '@grantline/lib-tokens';
import {
  formRequest,
  grantRevoked,
  oauthFixture,
  respond,
  TEST_ISSUER,
  tokenRevoked,
  type OAuthFixture,
} from '@grantline/lib-testing';
import { verifiedClaims } from '../access-token-check';
import type { OAuthResponse } from '../http-types';
import { introspectionEndpoint } from '../introspection-endpoint';
import { serverMetadata } from '../metadata';
import { tokenEndpoint } from '../token-endpoint';
import { deleteClient } from '../clients/client-commands';
import { disableUser } from '../users/user-commands';
import { ACCESS_TOKEN_TYPE } from './exchange-tokens';

/** RFC 8693 through the token endpoint: what may be exchanged, by whom, and what comes out. */
const ORDERS = 'https://orders.test/api';
const BILLING = 'https://billing.test/api';
const TOKEN_URL = `${TEST_ISSUER}/oauth/token`;

interface Exchanged {
  access_token: string;
  issued_token_type: string;
  token_type: string;
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

describe('POST /oauth/token, token exchange (RFC 8693)', () => {
  let fixture: OAuthFixture;
  let user: UserRecord;

  const now = () => Math.floor(fixture.clock.now().getTime() / 1000);
  const post = (params: Record<string, string>, headers: Record<string, string> = {}) =>
    respond(fixture.context, tokenEndpoint, formRequest(params, headers));
  const exchange = (subjectToken: string, extra: Record<string, string> = {}, clientId = 'mcp') =>
    post({
      grant_type: TOKEN_EXCHANGE_GRANT,
      client_id: clientId,
      client_secret: `${clientId}-secret`,
      subject_token: subjectToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      ...extra,
    });
  const exchangedOf = (response: OAuthResponse): Exchanged => {
    expect([response.status, response.body]).toEqual([
      200,
      expect.objectContaining({ access_token: expect.any(String) }),
    ]);
    return response.body as Exchanged;
  };
  const errorOf = (response: OAuthResponse) => [response.status, (response.body as { error: string }).error];
  const claimsOf = async (token: string): Promise<AccessTokenClaims> => {
    const claims = await verifiedClaims(fixture.context, token);
    if (!claims) throw new Error('not a token of ours');
    return claims;
  };
  const introspect = async (token: string) =>
    (
      await respond(
        fixture.context,
        introspectionEndpoint,
        formRequest({ token, client_id: 'rs', client_secret: 'rs-secret' }),
      )
    ).body as Record<string, unknown>;
  const issuedCount = () => fixture.log.events.filter((event) => event.type === 'AccessTokenIssued').length;

  /** A token of `app`'s grant `g1` for the user, as the code and refresh grants sign it. */
  function userToken(extra: Partial<AccessTokenClaims> = {}): Promise<string> {
    return signAccessToken(fixture.context.keys, {
      iss: TEST_ISSUER,
      sub: user.userId,
      aud: ORDERS,
      client_id: 'app',
      scope: 'orders:read orders:write',
      jti: randomBytes(8).toString('hex'),
      iat: now(),
      exp: now() + 600,
      gid: 'g1',
      ...extra,
    });
  }

  /** A personal access token of the user, not tied to any client's grant. */
  function personalToken(jti: string): Promise<string> {
    return userToken({ jti, client_id: 'grantline-personal', pat: true, gid: undefined, exp: now() + 86_400 });
  }

  beforeEach(async () => {
    fixture = await oauthFixture();
    await fixture.registerResource({ uri: ORDERS, name: 'Orders', scopes: 'orders:read orders:write' });
    await fixture.registerResource({ uri: BILLING, name: 'Billing', scopes: 'billing:read' });
    const confidential = (clientId: string, extra: Record<string, unknown>) =>
      fixture.registerClient({ name: clientId, client_id: clientId, client_secret: `${clientId}-secret`, ...extra });
    await confidential('mcp', {
      grant_types: [TOKEN_EXCHANGE_GRANT, 'client_credentials'],
      scopes: 'orders:read orders:write billing:read',
      resources: [ORDERS],
    });
    await confidential('service', { grant_types: ['client_credentials'], scopes: 'orders:read orders:write' });
    await confidential('rs', { grant_types: ['client_credentials'], scopes: 'orders:read' });
    await confidential('app', { grant_types: ['client_credentials'], scopes: 'orders:read orders:write' });
    user = await fixture.registerUser({ email: 'ada@example.test', name: 'Ada', password: 'correct horse battery' });
  });

  it('answers as RFC 8693 §2.2.1 says, with the subject, the grant and no refresh token', async () => {
    const subject = await userToken();
    const body = exchangedOf(await exchange(subject, { resource: ORDERS }));
    expect(body).toEqual({
      access_token: expect.any(String),
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'orders:read orders:write',
    });
    const claims = await claimsOf(body.access_token);
    expect(claims).toMatchObject({ sub: user.userId, client_id: 'mcp', aud: ORDERS, gid: 'g1', azp: 'app' });
    expect(claims.xfr).toEqual([(await claimsOf(subject)).jti]);
    expect(claims.act).toBeUndefined();
  });

  it('never widens the scope: asking beyond the subject token is invalid_scope', async () => {
    const subject = await userToken({ scope: 'orders:read' });
    expect(errorOf(await exchange(subject, { scope: 'orders:read orders:write' }))).toEqual([400, 'invalid_scope']);
    expect(exchangedOf(await exchange(subject)).scope).toBe('orders:read');
    expect(exchangedOf(await exchange(subject, { scope: 'orders:read' })).scope).toBe('orders:read');
  });

  it('narrows to what the resource offers and to what the exchanging client may have', async () => {
    await fixture.registerClient({
      name: 'narrow',
      client_id: 'narrow',
      client_secret: 'narrow-secret',
      grant_types: [TOKEN_EXCHANGE_GRANT],
      scopes: 'orders:read',
    });
    const subject = await userToken({ scope: 'orders:read orders:write profile' });
    expect(exchangedOf(await exchange(subject, { resource: ORDERS })).scope).toBe('orders:read orders:write');
    expect(exchangedOf(await exchange(subject, {}, 'narrow')).scope).toBe('orders:read');
  });

  it('never outlives the subject token', async () => {
    const subject = await userToken({ exp: now() + 90 });
    const body = exchangedOf(await exchange(subject));
    expect(body.expires_in).toBe(90);
    expect((await claimsOf(body.access_token)).exp).toBe((await claimsOf(subject)).exp);
    const longLived = await userToken({ exp: now() + 86_400 });
    expect(exchangedOf(await exchange(longLived)).expires_in).toBe(3600);
  });

  it('ends with the subject token’s grant', async () => {
    const exchanged = exchangedOf(await exchange(await userToken())).access_token;
    expect(await introspect(exchanged)).toMatchObject({ active: true });
    await fixture.log.append([grantRevoked('g1', now() + 3600)]);
    expect(await introspect(exchanged)).toEqual({ active: false });
  });

  it('ends with the client it was issued to, as well as with the grant’s client', async () => {
    const exchanged = exchangedOf(await exchange(await userToken())).access_token;
    const other = exchangedOf(await exchange(await userToken())).access_token;
    await fixture.log.append([
      deleteClient(await fixture.store.getClient('mcp'), { now: () => fixture.clock.now() }).event,
    ]);
    expect(await introspect(exchanged)).toEqual({ active: false });
    await fixture.registerClient({
      name: 'mcp',
      client_id: 'mcp',
      client_secret: 'mcp-secret',
      grant_types: [TOKEN_EXCHANGE_GRANT],
    });
    await fixture.log.append([
      deleteClient(await fixture.store.getClient('app'), { now: () => fixture.clock.now() }).event,
    ]);
    expect(await introspect(other)).toEqual({ active: false });
  });

  it('ends with the personal access token it was exchanged for, and with its user', async () => {
    const exchanged = exchangedOf(await exchange(await personalToken('pat-1'))).access_token;
    expect(await claimsOf(exchanged)).toMatchObject({ usr: true, xfr: ['pat-1'] });
    expect(await introspect(exchanged)).toMatchObject({ active: true, sub: user.userId });
    await fixture.log.append([tokenRevoked('pat-1', now() + 86_400)]);
    expect(await introspect(exchanged)).toEqual({ active: false });

    const other = exchangedOf(await exchange(await personalToken('pat-2'))).access_token;
    await fixture.log.append([disableUser(user, { now: () => fixture.clock.now() }).event]);
    expect(await introspect(other)).toEqual({ active: false });
  });

  it('ends when any token up the chain is revoked', async () => {
    const first = exchangedOf(await exchange(await personalToken('pat-1'))).access_token;
    const second = exchangedOf(await exchange(first)).access_token;
    expect((await claimsOf(second)).xfr).toEqual([(await claimsOf(first)).jti, 'pat-1']);
    await fixture.log.append([tokenRevoked('pat-1', now() + 86_400)]);
    expect(await introspect(second)).toEqual({ active: false });
  });

  it('refuses an inactive subject token (expired, revoked, not ours) with invalid_grant', async () => {
    const expired = await userToken({ exp: now() - 1 });
    const revoked = await userToken({ jti: 'gone' });
    await fixture.log.append([tokenRevoked('gone', now() + 600)]);
    const foreign = await new SignJWT({ scope: 'orders:read' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'test-key' })
      .sign(randomBytes(32));
    for (const subject of [expired, revoked, foreign]) {
      expect(errorOf(await exchange(subject))).toEqual([400, 'invalid_grant']);
    }
    expect(
      errorOf(await exchange(await userToken(), { actor_token: revoked, actor_token_type: ACCESS_TOKEN_TYPE })),
    ).toEqual([400, 'invalid_grant']);
  });

  it('refuses an unknown resource, or one the client is not limited to, with invalid_target', async () => {
    const subject = await userToken();
    expect(errorOf(await exchange(subject, { resource: 'https://unknown.test/api' }))).toEqual([400, 'invalid_target']);
    expect(errorOf(await exchange(subject, { resource: BILLING }))).toEqual([400, 'invalid_target']);
    expect(errorOf(await exchange(subject, { audience: BILLING }))).toEqual([400, 'invalid_target']);
    expect(exchangedOf(await exchange(subject, { audience: ORDERS })).scope).toBe('orders:read orders:write');
  });

  it('refuses a client the operator did not allow to exchange', async () => {
    expect(errorOf(await exchange(await userToken(), {}, 'service'))).toEqual([400, 'unauthorized_client']);
  });

  it('refuses token types it does not exchange or issue, and an actor token without its type', async () => {
    const subject = await userToken();
    const refused: Array<Record<string, string>> = [
      { subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' },
      { requested_token_type: 'urn:ietf:params:oauth:token-type:id_token' },
      { actor_token: subject },
      { actor_token_type: ACCESS_TOKEN_TYPE },
    ];
    for (const extra of refused) expect(errorOf(await exchange(subject, extra))).toEqual([400, 'invalid_request']);
  });

  it('names the actor in act, nesting the actors before it (RFC 8693 §4.1)', async () => {
    const actor = exchangedOf(
      await post({ grant_type: 'client_credentials', client_id: 'service', client_secret: 'service-secret' }),
    ).access_token;
    const once = exchangedOf(
      await exchange(await userToken(), { actor_token: actor, actor_token_type: ACCESS_TOKEN_TYPE }),
    ).access_token;
    expect((await claimsOf(once)).act).toEqual({ sub: 'service' });
    const mcpToken = exchangedOf(
      await post({ grant_type: 'client_credentials', client_id: 'mcp', client_secret: 'mcp-secret' }),
    ).access_token;
    const twice = exchangedOf(
      await exchange(once, { actor_token: mcpToken, actor_token_type: ACCESS_TOKEN_TYPE }),
    ).access_token;
    expect((await claimsOf(twice)).act).toEqual({ sub: 'mcp', act: { sub: 'service' } });
    expect(await introspect(twice)).toMatchObject({ active: true, act: { sub: 'mcp', act: { sub: 'service' } } });

    const event = fixture.log.events.filter((recorded) => recorded.type === 'AccessTokenIssued').at(-1);
    expect(event?.data).toMatchObject({
      grantType: TOKEN_EXCHANGE_GRANT,
      act: { sub: 'mcp', act: { sub: 'service' } },
      exchange: { subjectTokenId: (await claimsOf(once)).jti, actorTokenId: (await claimsOf(mcpToken)).jti },
    });
  });

  it('records nothing for a refused request', async () => {
    const subject = await userToken({ scope: 'orders:read' });
    const before = issuedCount();
    await exchange(subject, { scope: 'orders:write' });
    await exchange(subject, { resource: BILLING });
    await exchange(await userToken({ exp: now() - 1 }));
    await exchange(subject, {}, 'service');
    expect(issuedCount()).toBe(before);
  });

  describe('a DPoP-bound subject token', () => {
    interface ProofKey {
      privateKey: KeyObject;
      jwk: JWK;
      jkt: string;
    }
    let key: ProofKey;

    beforeAll(async () => {
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      const jwk = await exportJWK(publicKey);
      key = { privateKey: privateKey as KeyObject, jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
    });

    const proof = () =>
      new SignJWT({ jti: randomBytes(12).toString('base64url'), htm: 'POST', htu: TOKEN_URL, iat: now() })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
        .sign(key.privateKey);

    it('is exchanged only with a proof, for a token bound to that proof’s key', async () => {
      const subject = await userToken({ cnf: { jkt: 'the-client-key' } });
      expect(errorOf(await exchange(subject))).toEqual([400, 'invalid_grant']);
      const params = {
        grant_type: TOKEN_EXCHANGE_GRANT,
        client_id: 'mcp',
        client_secret: 'mcp-secret',
        subject_token: subject,
        subject_token_type: ACCESS_TOKEN_TYPE,
      };
      const bound = exchangedOf(await post(params, { DPoP: await proof() }));
      expect(bound.token_type).toBe('DPoP');
      expect((await claimsOf(bound.access_token)).cnf).toEqual({ jkt: key.jkt });
    });
  });

  it('is listed in the server metadata', () => {
    expect(serverMetadata(TEST_ISSUER).grant_types_supported).toContain(TOKEN_EXCHANGE_GRANT);
  });
});
