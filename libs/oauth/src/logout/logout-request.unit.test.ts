import { SignJWT } from 'jose';
import { oauthFixture, TEST_ISSUER, type OAuthFixture } from '@grantline/lib-testing';
import { checkLogoutRequest, hintNamesSession, logoutParametersOf, type LogoutParameters } from './logout-request';

const SID = 'c2Vzc2lvbi10ZXN0LTAwMDE';
const RETURN = 'https://app.test/signed-out';

describe('RP-initiated logout requests', () => {
  let fixture: OAuthFixture;
  let clientId: string;
  let otherId: string;

  /** An ID-token-shaped JWT signed by the fixture's key ring. */
  async function idToken(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
    const key = fixture.context.keys.active;
    const issuedAt = Math.floor(fixture.clock.now().getTime() / 1000);
    return new SignJWT({
      iss: TEST_ISSUER,
      aud: clientId,
      sub: 'user-1',
      sid: SID,
      iat: issuedAt,
      exp: issuedAt + 60,
      ...claims,
    })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
      .sign(key.privateKey);
  }

  const check = (params: LogoutParameters) =>
    checkLogoutRequest(fixture.context, new URLSearchParams(params as Record<string, string>));

  beforeEach(async () => {
    fixture = await oauthFixture();
    const input = { public: true, redirect_uris: ['https://app.test/cb'], grant_types: ['authorization_code'] };
    clientId = (await fixture.registerClient({ name: 'App', ...input })).clientId;
    otherId = (await fixture.registerClient({ name: 'Other', ...input })).clientId;
    await fixture.updateOpenId(clientId, { postLogoutRedirectUris: [RETURN] });
  });

  it('reads an ID token we issued, however old, and returns to a registered URI with state', async () => {
    const hint = await idToken({});
    fixture.clock.advance(30 * 86_400);
    const checked = await check({ id_token_hint: hint, post_logout_redirect_uri: RETURN, state: 'x y' });
    expect(checked).toEqual({
      ok: true,
      request: {
        hint: { sub: 'user-1', clientId, sid: SID },
        client: expect.objectContaining({ clientId }),
        redirect: `${RETURN}?state=x+y`,
      },
      query: new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: RETURN, state: 'x y' }).toString(),
    });
  });

  it('takes the client from client_id when there is no hint', async () => {
    const checked = await check({ client_id: clientId, post_logout_redirect_uri: RETURN });
    expect(checked).toMatchObject({ ok: true, request: { hint: null, redirect: RETURN } });
    expect(await check({})).toEqual({ ok: true, request: { hint: null, client: null, redirect: null }, query: '' });
  });

  it.each([
    ['a URI the client did not register', { post_logout_redirect_uri: 'https://evil.test/' }],
    ['a registered URI with something added', { post_logout_redirect_uri: `${RETURN}/../x` }],
    ["another client's", { post_logout_redirect_uri: RETURN, other: true }],
  ])('never redirects to %s', async (_name, { other, ...params }: LogoutParameters & { other?: boolean }) => {
    const checked = await check({ client_id: other ? otherId : clientId, ...params });
    expect(checked).toMatchObject({ ok: false });
  });

  it('refuses a redirect when no client is named, and an unknown client', async () => {
    expect(await check({ post_logout_redirect_uri: RETURN })).toMatchObject({ ok: false });
    expect(await check({ client_id: 'nobody' })).toMatchObject({ ok: false });
  });

  it('refuses a hint that is not an ID token of ours, and a client_id that contradicts it', async () => {
    expect(await check({ id_token_hint: 'not.a.jwt' })).toMatchObject({ ok: false });
    expect(await check({ id_token_hint: await idToken({ iss: 'https://elsewhere.test' }) })).toMatchObject({
      ok: false,
    });
    // Access tokens are signed with the same keys; one is no ID token.
    expect(await check({ id_token_hint: await idToken({}, { typ: 'at+jwt' }) })).toMatchObject({ ok: false });
    expect(await check({ id_token_hint: await idToken({ aud: [clientId, otherId] }) })).toMatchObject({ ok: false });
    const tampered = (await idToken({})).replace(/\.[^.]+$/, '.AAAA');
    expect(await check({ id_token_hint: tampered })).toMatchObject({ ok: false });
    expect(await check({ id_token_hint: await idToken({}), client_id: otherId })).toMatchObject({ ok: false });
    expect(await check({ id_token_hint: await idToken({ aud: [clientId, otherId], azp: otherId }) })).toMatchObject({
      ok: true,
      request: { hint: { clientId: otherId } },
    });
  });

  it('tells whether the hint was issued in the browser session: by sid, else by subject', async () => {
    const bySid = await check({ id_token_hint: await idToken({}) });
    const bySub = await check({ id_token_hint: await idToken({ sid: undefined }) });
    if (!bySid.ok || !bySub.ok) throw new Error('expected valid hints');
    expect(hintNamesSession(bySid.request, { userId: 'user-1', sessionId: SID }, null)).toBe(true);
    expect(hintNamesSession(bySid.request, { userId: 'user-1', sessionId: 'c2Vzc2lvbi10ZXN0LTAwMDI' }, null)).toBe(
      false,
    );
    expect(hintNamesSession(bySid.request, { userId: 'user-1' }, null)).toBe(false);
    expect(hintNamesSession(bySub.request, { userId: 'user-1' }, null)).toBe(true);
    expect(hintNamesSession(bySub.request, { userId: 'user-2', sessionId: SID }, null)).toBe(false);
  });

  it('refuses repeated parameters and ignores unknown ones', () => {
    expect(logoutParametersOf(new URLSearchParams('state=a&state=b'))).toEqual({
      ok: false,
      message: 'The parameter state is repeated.',
    });
    expect(logoutParametersOf(new URLSearchParams('client_id=a&ui_locales=fr&foo=bar&state='))).toEqual({
      ok: true,
      parameters: { client_id: 'a', ui_locales: 'fr' },
      query: 'client_id=a&ui_locales=fr',
    });
  });
});
