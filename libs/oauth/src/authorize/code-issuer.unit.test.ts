import type { UserRecord } from '@grantline/lib-projections';
import { oauthFixture, pkcePair, type OAuthFixture } from '@grantline/lib-testing';
import { openCode } from '../grants/sealed-grants';
import type { OAuthRequest } from '../http-types';
import { checkAuthorizationRequest } from './authorization-request';
import { decideAuthorizationCode } from './code-issuer';
import { openIdGrantOf, PASSWORD_ACR } from './openid-grant';

const REDIRECT = 'https://rp.test/cb';
const SID = 'c2Vzc2lvbi1pZC1mb3ItdGVzdHM';
const browser: OAuthRequest = { method: 'GET', headers: {}, body: '', remoteAddress: '127.0.0.1', requestId: 'r-1' };

describe('an authorization code of an OpenID Connect request', () => {
  let fixture: OAuthFixture;
  let user: UserRecord;

  beforeEach(async () => {
    fixture = await oauthFixture();
    await fixture.registerClient({
      name: 'rp',
      client_id: 'rp',
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'openid read',
      redirect_uris: [REDIRECT],
    });
    user = await fixture.registerUser({ email: 'ada@example.test', name: 'Ada', password: 'correct horse battery' });
  });

  /** Checks the request as the endpoint does, then issues its code from a session with this id. */
  async function issue(parameters: Record<string, string>) {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: 'rp',
      redirect_uri: REDIRECT,
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      ...parameters,
    });
    const check = await checkAuthorizationRequest(query, fixture.context, fixture.context.settings.issuer, {
      pushed: false,
      serverRequiresPush: false,
    });
    if (check.kind !== 'valid') throw new Error(`request refused: ${JSON.stringify(check)}`);
    const { openid } = check.request;
    const grant = openid === undefined ? undefined : openIdGrantOf(openid, { sid: SID, amr: ['pwd'] });
    const issued = await decideAuthorizationCode(
      fixture.context,
      browser,
      check.request,
      check.client,
      user,
      1000,
      grant,
    );
    const code = issued.response.parameters.find(([name]) => name === 'code')?.[1] ?? '';
    return { issued, payload: await openCode(fixture.context, code) };
  }

  it('seals the nonce, the session, how the person signed in and the claims asked for', async () => {
    const claims = { userinfo: { email: { essential: true } }, id_token: { auth_time: { essential: true } } };
    const { issued, payload } = await issue({ scope: 'openid', nonce: 'n-42', claims: JSON.stringify(claims) });
    expect(payload).toMatchObject({ sub: user.userId, scope: 'openid', auth_time: 1000 });
    expect(payload?.oidc).toEqual({ nonce: 'n-42', sid: SID, amr: ['pwd'], claims });
    expect(issued.event).toMatchObject({ type: 'AuthorizationCodeIssued', data: { sessionId: SID } });
  });

  it('reports the one authentication level only to a client that asks about it', async () => {
    expect((await issue({ scope: 'openid', acr_values: 'urn:x:gold' })).payload?.oidc?.acr).toBe(PASSWORD_ACR);
    const asked = JSON.stringify({ id_token: { acr: { essential: false } } });
    expect((await issue({ scope: 'openid', claims: asked })).payload?.oidc?.acr).toBe(PASSWORD_ACR);
    expect((await issue({ scope: 'openid' })).payload?.oidc).not.toHaveProperty('acr');
  });

  it('carries no OpenID facts and no session when the scope lacks openid', async () => {
    const { issued, payload } = await issue({ scope: 'read', nonce: 'n-42' });
    expect(payload).not.toHaveProperty('oidc');
    expect(issued.event.type === 'AuthorizationCodeIssued' && issued.event.data).not.toHaveProperty('sessionId');
  });

  it('answers in the response mode the request asked for', async () => {
    const { issued } = await issue({ scope: 'openid', response_mode: 'form_post', state: 's' });
    expect(issued.response).toMatchObject({ redirectUri: REDIRECT, responseMode: 'form_post' });
    expect(issued.response.parameters.map(([name]) => name)).toEqual(['code', 'state', 'iss']);
  });
});
