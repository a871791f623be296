import { basicAuth, formRequest, oauthFixture, respond, type OAuthFixture } from '@grantline/lib-testing';
import { signAccessToken } from '@grantline/lib-tokens';
import type { OAuthRequest, OAuthResponse } from './http-types';
import { introspectionEndpoint } from './introspection-endpoint';
import { revocationEndpoint } from './revocation-endpoint';
import { tokenEndpoint } from './token-endpoint';
import type { OAuthContext } from './oauth-context';

type Endpoint = (context: OAuthContext, request: OAuthRequest) => Promise<OAuthResponse>;
const call = (fixture: OAuthFixture, endpoint: Endpoint, request: OAuthRequest) =>
  respond(fixture.context, endpoint, request);

describe('introspection and revocation', () => {
  let fixture: OAuthFixture;
  let secret: string;
  let token: string;
  const introspect = (params: Record<string, string>, headers: Record<string, string> = {}) =>
    call(fixture, introspectionEndpoint, formRequest(params, headers));

  beforeEach(async () => {
    fixture = await oauthFixture();
    secret = (await fixture.registerClient({ name: 'a', client_id: 'a', scopes: 'read' })).secret ?? '';
    await fixture.registerClient({ name: 'b', client_id: 'b', client_secret: 'b-secret-123', scopes: 'read' });
    const issued = await call(
      fixture,
      tokenEndpoint,
      formRequest({ grant_type: 'client_credentials', client_id: 'a', client_secret: secret }),
    );
    token = (issued.body as { access_token: string }).access_token;
  });

  it('reports a fresh token active with its metadata (RFC 7662 §2.2)', async () => {
    const response = await introspect({ token }, { authorization: basicAuth('b', 'b-secret-123') });
    expect(response.body).toMatchObject({
      active: true,
      client_id: 'a',
      sub: 'a',
      scope: 'read',
      token_type: 'Bearer',
      iss: 'https://issuer.test',
    });
  });

  it('answers aud as the token carries it: a string, or a list of audiences (RFC 7662 §2.2)', async () => {
    const caller = { authorization: basicAuth('b', 'b-secret-123') };
    expect((await introspect({ token }, caller)).body).toMatchObject({ aud: 'https://issuer.test' });
    const now = Math.floor(fixture.clock.now().getTime() / 1000);
    const aud = ['https://orders.test', 'https://billing.test'];
    const several = await signAccessToken(fixture.context.keys, {
      iss: 'https://issuer.test',
      sub: 'a',
      aud,
      client_id: 'a',
      scope: 'read',
      jti: 'several-audiences',
      iat: now,
      exp: now + 60,
    });
    expect((await introspect({ token: several }, caller)).body).toMatchObject({ active: true, aud });
  });

  it.each([['garbage'], ['eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']])('reports %s inactive', async (value) => {
    const response = await introspect({ token: value, client_id: 'a', client_secret: secret });
    expect(response.body).toEqual({ active: false });
  });

  it('reports an expired token inactive', async () => {
    fixture.clock.advance(3601);
    expect((await introspect({ token, client_id: 'a', client_secret: secret })).body).toEqual({ active: false });
  });

  it('requires caller authentication unless the compatibility setting is on', async () => {
    const refused = await introspect({ token });
    expect(refused.status).toBe(401);
    fixture.context.settings.introspection.allowUnauthenticated = true;
    const allowed = await introspect({ token });
    expect(allowed.body).toEqual({ active: true });
  });

  it('rate-limits unauthenticated introspection per caller address', async () => {
    fixture.context.settings.introspection.allowUnauthenticated = true;
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await introspect({ token })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('revokes with the token alone, then introspection is inactive at once', async () => {
    const revoked = await call(fixture, revocationEndpoint, formRequest({ token }));
    expect(revoked.status).toBe(200);
    expect(fixture.log.events.at(-1)?.type).toBe('AccessTokenRevoked');
    expect((await introspect({ token, client_id: 'a', client_secret: secret })).body).toEqual({ active: false });
  });

  it('answers 200 for unknown tokens and records nothing (RFC 7009 §2.2)', async () => {
    const before = fixture.log.events.length;
    const response = await call(fixture, revocationEndpoint, formRequest({ token: 'not-a-token' }));
    expect(response.status).toBe(200);
    expect(fixture.log.events.length).toBe(before);
  });

  it("refuses a client revoking another client's token and changes nothing", async () => {
    const before = fixture.log.events.length;
    const response = await call(
      fixture,
      revocationEndpoint,
      formRequest({ token, client_id: 'b', client_secret: 'b-secret-123' }),
    );
    expect(response.status).toBe(400);
    expect(fixture.log.events.length).toBe(before);
    expect((await introspect({ token, client_id: 'a', client_secret: secret })).body).toMatchObject({ active: true });
  });

  it('refuses wrong caller credentials with 401 and revokes nothing', async () => {
    const response = await call(
      fixture,
      revocationEndpoint,
      formRequest({ token, client_id: 'a', client_secret: 'nope' }),
    );
    expect(response.status).toBe(401);
    expect((await introspect({ token, client_id: 'a', client_secret: secret })).body).toMatchObject({ active: true });
  });

  it('records a second revocation of the same token only once', async () => {
    await call(fixture, revocationEndpoint, formRequest({ token }));
    await call(fixture, revocationEndpoint, formRequest({ token }));
    expect(fixture.log.events.filter((event) => event.type === 'AccessTokenRevoked')).toHaveLength(1);
  });
});
