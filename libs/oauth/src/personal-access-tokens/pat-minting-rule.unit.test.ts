import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { UserRecord } from '@grantline/lib-projections';
import { basicAuth, formRequest, oauthFixture, respond, TEST_ISSUER, type OAuthFixture } from '@grantline/lib-testing';
import { verifiedClaims } from '../access-token-check';
import { decideAccessToken } from '../access-token-issuer';
import type { OAuthRequest } from '../http-types';
import { introspectionEndpoint } from '../introspection-endpoint';
import { userInfoEndpoint } from '../user-info-endpoint';
import { deleteClient } from '../clients/client-commands';
import { revokeGrant } from '../grants/grant-revocation';
import { withdrawConsent } from '../users/user-commands';
import { adminCreatePersonalAccessToken } from './pat-admin';
import { createPersonalAccessTokenEndpoint } from './pat-endpoints';

/**
 * Who may mint a personal access token over HTTP, and what the token then depends on: a
 * third-party app's token needs the personal-access-tokens scope, and what it mints ends with
 * the grant it came from; a first-party client's token and an operator mint independent ones.
 */
const PAT_PATH = '/oauth/personal-access-tokens';
const GRANT = 'grant-app';

interface ProofKey {
  privateKey: KeyObject;
  jwk: JWK;
  jkt: string;
}

async function newKey(): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return { privateKey: privateKey as KeyObject, jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

const request = (headers: Record<string, string>, method = 'POST', path = PAT_PATH): OAuthRequest => ({
  method,
  path,
  headers: { 'content-type': 'application/json', ...headers },
  body: '',
  remoteAddress: '127.0.0.1',
  requestId: 'pat-minting',
});

describe('minting a personal access token with a client’s access token', () => {
  let fixture: OAuthFixture;
  let ada: UserRecord;

  const now = () => Math.floor(fixture.clock.now().getTime() / 1000);
  const body = { name: 'script', scopes: ['read'], expires_in: 86_400 };

  async function tokenOf(clientId: string, scopes: string[], jkt?: string): Promise<string> {
    const issued = await decideAccessToken(fixture.context, request({}), {
      clientId,
      subject: ada.userId,
      scopes,
      grantType: 'authorization_code',
      grantId: clientId === 'app' ? GRANT : `grant-${clientId}`,
      ...(jkt === undefined ? {} : { jkt }),
    });
    await fixture.log.append([issued.event]);
    return issued.token;
  }
  const mint = (token: string, scopes = body.scopes, expiresIn = body.expires_in) =>
    respond(
      fixture.context,
      (context, req) => createPersonalAccessTokenEndpoint(context, req, { ...body, scopes, expires_in: expiresIn }),
      request({ authorization: `Bearer ${token}` }),
    );
  const minted = async (token: string, scopes = body.scopes, expiresIn = body.expires_in) => {
    const response = await mint(token, scopes, expiresIn);
    if (response.status !== 201) throw new Error(`minting failed: ${JSON.stringify(response.body)}`);
    return (response.body as { access_token: string }).access_token;
  };
  const active = async (token: string) =>
    (
      (
        await respond(
          fixture.context,
          introspectionEndpoint,
          formRequest({ token }, { authorization: basicAuth('rs', 'rs-secret-1') }),
        )
      ).body as { active: boolean }
    ).active;
  const userInfoStatus = async (token: string) =>
    (
      await respond(
        fixture.context,
        userInfoEndpoint,
        request({ authorization: `Bearer ${token}` }, 'GET', '/api/user'),
      )
    ).status;

  // The app's refresh token is revoked (RFC 7009): the whole grant ends, an hour before its own end.
  const revokeAppGrant = () =>
    revokeGrant(
      fixture.context,
      request({}),
      { grantId: GRANT, clientId: 'app', expiresAt: now() + 3_600 },
      { reason: 'refresh_token_revoked', revokedBy: 'app' },
    );
  const deleteApp = async () =>
    fixture.log.append([deleteClient(await fixture.store.getClient('app'), { now: () => fixture.clock.now() }).event]);
  const withdrawAppConsent = () =>
    fixture.log.append([withdrawConsent(ada.userId, 'app', ['read'], { now: () => fixture.clock.now() }).event]);

  beforeEach(async () => {
    fixture = await oauthFixture();
    const codeClient = { public: true, grant_types: ['authorization_code'], redirect_uris: ['https://app.test/cb'] };
    await fixture.registerClient({
      name: 'app',
      client_id: 'app',
      scopes: 'read personal-access-tokens',
      ...codeClient,
    });
    await fixture.registerClient({
      name: 'console',
      client_id: 'console',
      scopes: 'read',
      first_party: true,
      ...codeClient,
    });
    await fixture.registerClient({ name: 'rs', client_id: 'rs', client_secret: 'rs-secret-1', scopes: 'read' });
    ada = await fixture.registerUser({ email: 'ada@example.test', name: 'Ada', password: 'correct horse battery' });
  });

  it('refuses a third-party token without the personal-access-tokens scope: 403 insufficient_scope (RFC 6750 §3.1)', async () => {
    const response = await mint(await tokenOf('app', ['read']));
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ error: 'insufficient_scope' });
    expect(response.headers['WWW-Authenticate']).toContain('scope="personal-access-tokens"');
    expect(fixture.log.events.filter((event) => event.type === 'PersonalAccessTokenCreated')).toEqual([]);
  });

  it.each([
    ['a first-party client, without the scope', 'console', ['read']],
    ['a third-party client, with the scope', 'app', ['read', 'personal-access-tokens']],
  ])('mints with the token of %s: 201', async (_, clientId, scopes) => {
    expect((await mint(await tokenOf(clientId, scopes))).status).toBe(201);
  });

  it.each([
    ['its grant is revoked', 'grant'],
    ['its user withdraws consent from the app', 'consent'],
    ['the app is deleted', 'client'],
  ] as const)('ends a token minted through a third-party grant when %s', async (_, ended) => {
    const pat = await minted(await tokenOf('app', ['read', 'personal-access-tokens']));
    expect(await active(pat)).toBe(true);
    expect(await userInfoStatus(pat)).toBe(200);
    const end = { grant: revokeAppGrant, consent: withdrawAppConsent, client: deleteApp }[ended];
    await end();
    expect(await active(pat)).toBe(false);
    expect(await userInfoStatus(pat)).toBe(401);
  });

  it('ends a token minted by such a token in turn with the same grant', async () => {
    const managing = ['read', 'personal-access-tokens'];
    const pat = await minted(await tokenOf('app', managing), managing);
    const child = await minted(pat);
    await revokeAppGrant();
    expect(await active(child)).toBe(false);
  });

  it('keeps it ended after the grant itself would have ended: the revocation outlives every token minted through it', async () => {
    const pat = await minted(await tokenOf('app', ['read', 'personal-access-tokens']), ['read'], 300 * 86_400);
    await revokeAppGrant();
    fixture.clock.advance(200 * 86_400);
    expect(await active(pat)).toBe(false);
  });

  it('records the grant a third-party token minted through', async () => {
    await minted(await tokenOf('app', ['read', 'personal-access-tokens']));
    const [event] = fixture.log.events.filter((e) => e.type === 'PersonalAccessTokenCreated');
    expect(event?.data).toMatchObject({ token: { grant: { grantId: GRANT, clientId: 'app' } } });
  });

  it('keeps tokens minted with a first-party token or by an operator independent of any grant', async () => {
    const fromConsole = await minted(await tokenOf('console', ['read']));
    const byOperator = await adminCreatePersonalAccessToken(
      fixture.context,
      { now: () => fixture.clock.now() },
      ada.userId,
      body,
    );
    await revokeAppGrant();
    await withdrawAppConsent();
    expect(await active(fromConsole)).toBe(true);
    expect(await active(byOperator.access_token)).toBe(true);
  });

  it('carries a DPoP binding over: a bound token mints a token bound to the same key (RFC 9449 §6)', async () => {
    const key = await newKey();
    const bound = await tokenOf('app', ['read', 'personal-access-tokens'], key.jkt);
    const payload = {
      jti: randomBytes(12).toString('base64url'),
      htm: 'POST',
      htu: `${TEST_ISSUER}${PAT_PATH}`,
      iat: now(),
      ath: sha256(bound),
    };
    const proof = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
      .sign(key.privateKey);
    const response = await respond(
      fixture.context,
      (context, req) => createPersonalAccessTokenEndpoint(context, req, body),
      request({ authorization: `DPoP ${bound}`, dpop: proof }),
    );
    expect(response.status).toBe(201);
    const pat = (response.body as { access_token: string }).access_token;
    expect((await verifiedClaims(fixture.context, pat))?.cnf).toEqual({ jkt: key.jkt });
    expect(await userInfoStatus(pat)).toBe(401);
  });
});
