import { jwtVerify } from 'jose';
import { basicAuth, formRequest, oauthFixture, respond, type OAuthFixture } from '@grantline/lib-testing';
import { signAccessToken } from '@grantline/lib-tokens';
import { RawBody } from './http-types';
import { introspectionEndpoint } from './introspection-endpoint';
import { tokenEndpoint } from './token-endpoint';

const ORDERS = 'https://orders.example.test/mcp';
const BILLING = 'https://billing.example.test/';
const JWT = 'application/token-introspection+jwt';

describe('introspection for a client linked to a resource (RFC 7662 §4)', () => {
  let fixture: OAuthFixture;
  let appSecret: string;
  const ordersServer = { authorization: basicAuth('orders-rs', 'orders-secret-1') };
  const gateway = { authorization: basicAuth('gateway', 'gateway-secret-1') };

  const issue = async (resources: readonly string[]): Promise<string> => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'app', client_secret: appSecret });
    for (const resource of resources) body.append('resource', resource);
    const issued = await respond(fixture.context, tokenEndpoint, formRequest(body.toString()));
    return (issued.body as { access_token: string }).access_token;
  };
  const introspect = (token: string, headers: Record<string, string>) =>
    respond(fixture.context, introspectionEndpoint, formRequest({ token }, headers));

  beforeEach(async () => {
    fixture = await oauthFixture();
    await fixture.registerResource({ uri: ORDERS, name: 'Orders', scopes: 'orders:read' });
    await fixture.registerResource({ uri: BILLING, name: 'Billing', scopes: 'billing:read' });
    const app = await fixture.registerClient({ name: 'app', client_id: 'app', scopes: 'orders:read billing:read' });
    appSecret = app.secret ?? '';
    await fixture.registerClient({
      name: 'orders-rs',
      client_id: 'orders-rs',
      client_secret: 'orders-secret-1',
      introspects_for: ORDERS,
    });
    await fixture.registerClient({ name: 'gateway', client_id: 'gateway', client_secret: 'gateway-secret-1' });
  });

  it("tells the resource's server everything about a token meant for it", async () => {
    const response = await introspect(await issue([ORDERS]), ordersServer);
    expect(response.body).toMatchObject({ active: true, aud: ORDERS, scope: 'orders:read', client_id: 'app' });
  });

  it('tells it about a token that lists it among several audiences', async () => {
    const response = await introspect(await issue([ORDERS, BILLING]), ordersServer);
    expect(response.body).toMatchObject({ active: true, aud: [ORDERS, BILLING] });
  });

  it.each([
    ['another resource', [BILLING]],
    ["the server's own API", []],
  ])('answers exactly {"active": false} for a live token meant for %s', async (_, resources) => {
    const token = await issue(resources);
    expect((await introspect(token, ordersServer)).body).toEqual({ active: false });
    // The token is live: an unlinked client still learns about it, as before.
    expect((await introspect(token, gateway)).body).toMatchObject({ active: true });
  });

  it('follows the same rule in signed answers (RFC 9701)', async () => {
    const { publicKey } = fixture.context.keys.active;
    const claimsOf = async (token: string) => {
      const body = (await introspect(token, { ...ordersServer, accept: JWT })).body;
      expect(body).toBeInstanceOf(RawBody);
      return (await jwtVerify((body as RawBody).text, publicKey, { typ: 'token-introspection+jwt' })).payload;
    };
    expect((await claimsOf(await issue([BILLING]))).token_introspection).toEqual({ active: false });
    expect((await claimsOf(await issue([ORDERS]))).token_introspection).toMatchObject({ active: true, aud: ORDERS });
  });

  it('compares the audience exactly, not as a prefix', async () => {
    const now = Math.floor(fixture.clock.now().getTime() / 1000);
    const lookalike = await signAccessToken(fixture.context.keys, {
      iss: 'https://issuer.test',
      sub: 'app',
      aud: `${ORDERS}/admin`,
      client_id: 'app',
      scope: 'orders:read',
      jti: 'lookalike',
      iat: now,
      exp: now + 60,
    });
    expect((await introspect(lookalike, ordersServer)).body).toEqual({ active: false });
  });
});
