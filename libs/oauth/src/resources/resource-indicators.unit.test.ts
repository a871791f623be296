import type { UserRecord } from '@grantline/lib-projections';
import { formRequest, oauthFixture, pkcePair, respond, type OAuthFixture } from '@grantline/lib-testing';
import { verifiedClaims } from '../access-token-check';
import { checkAuthorizationRequest } from '../authorize/authorization-request';
import { decideAuthorizationCode } from '../authorize/code-issuer';
import { deviceAuthorizationEndpoint } from '../device/device-authorization-endpoint';
import type { OAuthRequest, OAuthResponse } from '../http-types';
import { TEST_ISSUER } from '@grantline/lib-testing';
import { tokenEndpoint } from '../token-endpoint';
import { userInfoEndpoint } from '../user-info-endpoint';

const ORDERS = 'https://orders.example.test/mcp';
const BILLING = 'https://billing.example.test/api';
const REDIRECT = 'https://app.test/cb';
const browser: OAuthRequest = { method: 'GET', headers: {}, body: '', remoteAddress: '127.0.0.1', requestId: 'r' };

/** A form body with `resource` repeated once per value (RFC 8707 §2). */
function form(params: Record<string, string>, resources: readonly string[] = []): string {
  const body = new URLSearchParams(params);
  for (const resource of resources) body.append('resource', resource);
  return body.toString();
}

describe('resource indicators (RFC 8707)', () => {
  let fixture: OAuthFixture;
  let user: UserRecord;

  const token = (params: Record<string, string>, resources: readonly string[] = []) =>
    respond(fixture.context, tokenEndpoint, formRequest(form(params, resources)));
  const machine = (resources: readonly string[] = [], extra: Record<string, string> = {}, clientId = 'svc') =>
    token(
      { grant_type: 'client_credentials', client_id: clientId, client_secret: 'svc-secret-1', ...extra },
      resources,
    );
  const claimsOf = async (response: OAuthResponse) => {
    expect(response.status).toBe(200);
    const body = response.body as { access_token: string; scope: string; refresh_token?: string };
    const claims = await verifiedClaims(fixture.context, body.access_token);
    return { aud: claims?.aud, scope: body.scope, refresh: body.refresh_token };
  };
  const refusal = (response: OAuthResponse) => ({
    status: response.status,
    error: (response.body as { error: string }).error,
  });

  beforeEach(async () => {
    fixture = await oauthFixture();
    await fixture.registerResource({ uri: ORDERS, name: 'Orders MCP', scopes: 'orders:read orders:write' });
    await fixture.registerResource({ uri: BILLING, name: 'Billing', scopes: 'billing:read' });
    const secret = { client_secret: 'svc-secret-1', scopes: 'read orders:read orders:write billing:read' };
    await fixture.registerClient({ name: 'svc', client_id: 'svc', ...secret });
    await fixture.registerClient({ name: 'limited', client_id: 'limited', ...secret, resources: [ORDERS] });
    await fixture.registerClient({ name: 'defaulted', client_id: 'defaulted', ...secret, default_resource: BILLING });
    await fixture.registerClient({
      name: 'app',
      client_id: 'app',
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'read orders:read orders:write billing:read',
      redirect_uris: [REDIRECT],
    });
    user = await fixture.registerUser({ email: 'ada@example.test', name: 'Ada', password: 'correct horse battery' });
  });

  describe('client_credentials', () => {
    it('gives a token without resource the server audience and every scope, as before', async () => {
      expect(await claimsOf(await machine())).toMatchObject({
        aud: TEST_ISSUER,
        scope: 'read orders:read orders:write billing:read',
      });
    });

    it('makes the resource the audience and keeps only the scopes it offers', async () => {
      expect(await claimsOf(await machine([ORDERS]))).toMatchObject({ aud: ORDERS, scope: 'orders:read orders:write' });
      expect(await claimsOf(await machine([ORDERS], { scope: 'read orders:read' }))).toMatchObject({
        aud: ORDERS,
        scope: 'orders:read',
      });
    });

    it('lists every resource of a request that repeats resource', async () => {
      expect(await claimsOf(await machine([ORDERS, BILLING, ORDERS]))).toMatchObject({
        aud: [ORDERS, BILLING],
        scope: 'orders:read orders:write billing:read',
      });
    });

    it("takes the server's own API, named alone, for the server audience with every scope (RFC 9728)", async () => {
      expect(await claimsOf(await machine([TEST_ISSUER], {}, 'defaulted'))).toMatchObject({
        aud: TEST_ISSUER,
        scope: 'read orders:read orders:write billing:read',
      });
    });

    it("uses the client's default resource when the request names none", async () => {
      expect(await claimsOf(await machine([], {}, 'defaulted'))).toMatchObject({ aud: BILLING, scope: 'billing:read' });
    });

    it.each([
      ['an unknown resource', 'svc', ['https://unknown.example.test/']],
      ['a resource the client is not limited to', 'limited', [BILLING]],
      ['a relative reference', 'svc', ['/mcp']],
      ['a URI with a fragment', 'svc', [`${ORDERS}#x`]],
      ['one good and one unknown resource', 'svc', [ORDERS, 'urn:example:unknown']],
      ["the server's own API beside another resource", 'svc', [TEST_ISSUER, ORDERS]],
    ])('refuses %s with invalid_target, recording nothing', async (_, clientId, resources) => {
      const before = fixture.log.events.length;
      expect(refusal(await machine(resources, {}, clientId))).toEqual({ status: 400, error: 'invalid_target' });
      expect(fixture.log.events.length).toBe(before);
    });
  });

  describe('authorization code and refresh', () => {
    /** Checks the authorization request as the endpoint does, then issues and redeems its code. */
    async function authorize(resources: readonly string[], scope = 'orders:read billing:read read') {
      const { verifier, challenge } = pkcePair();
      const query = new URLSearchParams(
        form(
          {
            response_type: 'code',
            client_id: 'app',
            redirect_uri: REDIRECT,
            code_challenge: challenge,
            code_challenge_method: 'S256',
            scope,
          },
          resources,
        ),
      );
      const check = await checkAuthorizationRequest(query, fixture.context, TEST_ISSUER, {
        pushed: false,
        serverRequiresPush: false,
      });
      if (check.kind !== 'valid') return { check };
      const now = Math.floor(fixture.clock.now().getTime() / 1000);
      const issued = await decideAuthorizationCode(fixture.context, browser, check.request, check.client, user, now);
      await fixture.log.append([issued.event]);
      const code = new URL(issued.location).searchParams.get('code') ?? '';
      return {
        check,
        event: issued.event,
        redeem: (asked: readonly string[] = []) =>
          token(
            {
              grant_type: 'authorization_code',
              client_id: 'app',
              code,
              code_verifier: verifier,
              redirect_uri: REDIRECT,
            },
            asked,
          ),
      };
    }

    it('refuses an unknown resource at the redirect URI with invalid_target', async () => {
      const { check } = await authorize(['urn:example:unknown']);
      expect(check).toMatchObject({
        kind: 'redirect-error',
        redirectUri: REDIRECT,
        error: { error: 'invalid_target' },
      });
    });

    it('remembers the consented resources in the grant, and narrows the scopes to theirs', async () => {
      const flow = await authorize([ORDERS, BILLING]);
      expect(flow.event).toMatchObject({ data: { resources: [ORDERS, BILLING] } });
      const first = await claimsOf(await flow.redeem!());
      expect(first).toMatchObject({ aud: [ORDERS, BILLING], scope: 'orders:read billing:read' });

      // RFC 8707 §2.2: a refresh may ask for one of them, and gets a token for just that one.
      const narrowed = await claimsOf(
        await token({ grant_type: 'refresh_token', client_id: 'app', refresh_token: first.refresh ?? '' }, [BILLING]),
      );
      expect(narrowed).toMatchObject({ aud: BILLING, scope: 'billing:read' });
      // The grant keeps both: the next refresh without resource gets both again.
      const whole = await claimsOf(
        await token({ grant_type: 'refresh_token', client_id: 'app', refresh_token: narrowed.refresh ?? '' }),
      );
      expect(whole).toMatchObject({ aud: [ORDERS, BILLING], scope: 'orders:read billing:read' });
    });

    it('redeems a code for one of its resources only', async () => {
      const flow = await authorize([ORDERS, BILLING]);
      expect(await claimsOf(await flow.redeem!([ORDERS]))).toMatchObject({ aud: ORDERS, scope: 'orders:read' });
    });

    it('refuses a code redemption or a refresh for a resource the grant does not hold, changing nothing', async () => {
      const flow = await authorize([ORDERS]);
      const before = fixture.log.events.length;
      expect(refusal(await flow.redeem!([BILLING]))).toEqual({ status: 400, error: 'invalid_target' });
      expect(fixture.log.events.length).toBe(before);
      // The code was not used up by the refusal.
      const tokens = await claimsOf(await flow.redeem!());
      expect(tokens.aud).toBe(ORDERS);
      const count = fixture.log.events.length;
      const widened = await token(
        { grant_type: 'refresh_token', client_id: 'app', refresh_token: tokens.refresh ?? '' },
        [ORDERS, BILLING],
      );
      expect(refusal(widened)).toEqual({ status: 400, error: 'invalid_target' });
      expect(fixture.log.events.length).toBe(count);
      expect(
        await claimsOf(
          await token({ grant_type: 'refresh_token', client_id: 'app', refresh_token: tokens.refresh ?? '' }),
        ),
      ).toMatchObject({ aud: ORDERS });
    });

    it("refuses a token for a registered resource at the server's own /api/user (RFC 9068 §4)", async () => {
      const userInfo = (accessToken: string) =>
        respond(fixture.context, userInfoEndpoint, { ...browser, headers: { authorization: `Bearer ${accessToken}` } });
      const forOrders = (await (await authorize([ORDERS])).redeem!()).body as { access_token: string };
      expect(refusal(await userInfo(forOrders.access_token))).toEqual({ status: 401, error: 'invalid_token' });
      const forServer = (await (await authorize([], 'read')).redeem!()).body as { access_token: string };
      expect((await userInfo(forServer.access_token)).status).toBe(200);
    });

    it('refuses any resource on a grant made without one', async () => {
      const flow = await authorize([], 'read');
      const tokens = await claimsOf(await flow.redeem!());
      expect(tokens.aud).toBe(TEST_ISSUER);
      const own = await token({ grant_type: 'refresh_token', client_id: 'app', refresh_token: tokens.refresh ?? '' }, [
        TEST_ISSUER,
      ]);
      expect((await claimsOf(own)).aud).toBe(TEST_ISSUER);
      const asked = await token(
        { grant_type: 'refresh_token', client_id: 'app', refresh_token: tokens.refresh ?? '' },
        [ORDERS],
      );
      expect(refusal(asked)).toEqual({ status: 400, error: 'invalid_target' });
    });
  });

  it('records the resources of a device authorization request, and refuses an unknown one', async () => {
    await fixture.registerClient({
      name: 'tv',
      client_id: 'tv',
      public: true,
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
      scopes: 'read orders:read',
    });
    const ask = (resources: readonly string[]) =>
      respond(fixture.context, deviceAuthorizationEndpoint, formRequest(form({ client_id: 'tv' }, resources)));
    expect(refusal(await ask(['urn:example:unknown']))).toEqual({ status: 400, error: 'invalid_target' });
    expect((await ask([ORDERS])).status).toBe(200);
    expect(fixture.log.events.at(-1)).toMatchObject({
      type: 'DeviceAuthorizationRequested',
      data: { scope: 'orders:read', resources: [ORDERS] },
    });
  });
});
