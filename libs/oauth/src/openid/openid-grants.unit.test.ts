import { decodeJwt } from 'jose';
import type { UserRecord } from '@grantline/lib-projections';
import { plainOpenIdClient } from '@grantline/lib-events';
import {
  clientRegistered,
  clientSnapshot,
  formRequest,
  oauthFixture,
  pkcePair,
  respond,
  type OAuthFixture,
} from '@grantline/lib-testing';
import { decideAuthorizationCode } from '../authorize/code-issuer';
import type { OpenIdGrant } from '../grants/sealed-grants';
import type { OAuthRequest } from '../http-types';
import { tokenEndpoint } from '../token-endpoint';
import { openIdUserInfoEndpoint } from './userinfo-endpoint';

const REDIRECT = 'https://rp.example.test/cb';
const browser: OAuthRequest = { method: 'GET', headers: {}, body: '', remoteAddress: '127.0.0.1', requestId: 'r' };

interface Tokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  scope: string;
}

describe('OpenID Connect grants at the token endpoint, and UserInfo', () => {
  let fixture: OAuthFixture;
  let user: UserRecord;
  const now = () => Math.floor(fixture.clock.now().getTime() / 1000);

  beforeEach(async () => {
    fixture = await oauthFixture();
    await fixture.registerClient({
      name: 'rp',
      client_id: 'rp',
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'openid profile email read',
      redirect_uris: [REDIRECT],
    });
    user = await fixture.registerUser({ email: 'ada@example.test', name: 'Ada', password: 'correct horse battery' });
  });

  async function redeem(scopes: string[], openid?: OpenIdGrant, authTime = now() - 5): Promise<Tokens> {
    const answer = await redemption('rp', scopes, openid, authTime);
    expect(answer.status).toBe(200);
    return answer.body as Tokens;
  }

  async function redemption(clientId: string, scopes: string[], openid?: OpenIdGrant, authTime = now() - 5) {
    const client = await fixture.store.getClient(clientId);
    if (!client) throw new Error('client missing');
    const { verifier, challenge } = pkcePair();
    const authorization = {
      clientId,
      redirectUri: REDIRECT,
      redirectUriGiven: true,
      scopes,
      state: 'st',
      codeChallenge: challenge,
      resources: [],
    };
    const issued = await decideAuthorizationCode(
      fixture.context,
      browser,
      authorization,
      client,
      user,
      authTime,
      openid,
    );
    await fixture.log.append([issued.event]);
    const code = new URL(issued.location).searchParams.get('code') ?? '';
    const form = {
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
    };
    return respond(fixture.context, tokenEndpoint, formRequest(form));
  }

  async function refresh(token: string, extra: Record<string, string> = {}): Promise<Tokens> {
    const form = { grant_type: 'refresh_token', client_id: 'rp', refresh_token: token, ...extra };
    const answer = await respond(fixture.context, tokenEndpoint, formRequest(form));
    expect(answer.status).toBe(200);
    return answer.body as Tokens;
  }

  const userInfo = (request: Partial<OAuthRequest>) =>
    respond(fixture.context, openIdUserInfoEndpoint, { ...browser, ...request });
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it('answers an ID token with the nonce for a code of scope openid, and a new one without it at each refresh', async () => {
    const authTime = now() - 5;
    const first = await redeem(
      ['openid', 'email'],
      { nonce: 'n-1', sid: 'sid-0123456789abcdef', amr: ['pwd'] },
      authTime,
    );
    const idToken = decodeJwt(first.id_token ?? '');
    expect(idToken).toMatchObject({
      sub: user.userId,
      aud: 'rp',
      nonce: 'n-1',
      sid: 'sid-0123456789abcdef',
      amr: ['pwd'],
      auth_time: authTime,
      email: 'ada@example.test',
    });

    fixture.clock.advance(60);
    const second = await refresh(first.refresh_token ?? '');
    const refreshed = decodeJwt(second.id_token ?? '');
    expect(refreshed).toMatchObject({ sub: user.userId, aud: 'rp', sid: 'sid-0123456789abcdef', auth_time: authTime });
    expect(refreshed).not.toHaveProperty('nonce');
    expect(refreshed.iat).toBe((idToken.iat ?? 0) + 60);

    // The grant keeps its OpenID facts through rotations, also when a refresh narrows the scope.
    const third = await refresh(second.refresh_token ?? '', { scope: 'openid' });
    expect(decodeJwt(third.id_token ?? '')).toMatchObject({ sid: 'sid-0123456789abcdef' });
    expect(decodeJwt(third.id_token ?? '')).not.toHaveProperty('email');
  });

  it('answers no ID token for a grant without openid', async () => {
    const tokens = await redeem(['read']);
    expect(tokens).not.toHaveProperty('id_token');
    expect(await refresh(tokens.refresh_token ?? '')).not.toHaveProperty('id_token');
  });

  it('answers server_error and records nothing when the ring lacks the algorithm a client registered', async () => {
    // The fixture's ring holds one ES256 key.
    const client = clientSnapshot({
      clientId: 'rs256-rp',
      grantTypes: ['authorization_code'],
      scopes: ['openid'],
      redirectUris: [REDIRECT],
      openid: { ...plainOpenIdClient(), idTokenSignedResponseAlg: 'RS256' },
    });
    await fixture.log.append([clientRegistered(client, fixture.clock.now())]);
    const before = fixture.log.events.length;
    const answer = await redemption('rs256-rp', ['openid']);
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ error: 'server_error' });
    expect(JSON.stringify(answer.body)).not.toContain('RS256');
    // Only the code's own issue was appended; no redemption or token was recorded.
    expect(fixture.log.events.slice(before).map((event) => event.type)).toEqual(['AuthorizationCodeIssued']);
  });

  it('never answers an ID token to client_credentials, even with scope openid: no person signed in', async () => {
    const { secret } = await fixture.registerClient({
      name: 'machine',
      client_id: 'machine',
      grant_types: ['client_credentials'],
      scopes: 'openid read',
    });
    const form = {
      grant_type: 'client_credentials',
      client_id: 'machine',
      client_secret: secret ?? '',
      scope: 'openid',
    };
    const answer = await respond(fixture.context, tokenEndpoint, formRequest(form));
    expect(answer.status).toBe(200);
    expect(answer.body).not.toHaveProperty('id_token');
  });

  it('answers UserInfo by scope and by the claims asked of it, by GET or with the token in a POST body', async () => {
    const tokens = await redeem(['openid', 'profile'], { claims: { userinfo: { email: null } } });
    const answer = await userInfo(bearer(tokens.access_token));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      sub: user.userId,
      name: 'Ada',
      updated_at: Math.floor(Date.parse(user.createdAt) / 1000),
      email: 'ada@example.test',
    });

    const posted = await userInfo({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: tokens.access_token }).toString(),
    });
    expect(posted.status).toBe(200);
    expect(posted.body).toEqual(answer.body);
  });

  it('refuses UserInfo to a token without openid (403 insufficient_scope), and a token sent two ways', async () => {
    const tokens = await redeem(['read']);
    const refused = await userInfo(bearer(tokens.access_token));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'insufficient_scope' });
    expect(refused.headers['WWW-Authenticate']).toMatch(/scope="openid"/);

    const openid = await redeem(['openid']);
    const twice = await userInfo({
      method: 'POST',
      headers: { authorization: `Bearer ${openid.access_token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: openid.access_token }).toString(),
    });
    expect(twice.status).toBe(400);
    expect(twice.body).toMatchObject({ error: 'invalid_request' });
    expect((await userInfo({})).status).toBe(401);
  });
});
