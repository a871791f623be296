import { sign, type KeyObject } from 'node:crypto';
import { formRequest, oauthFixture, respond, type OAuthFixture } from '@grantline/lib-testing';
import type { OAuthRequest } from './http-types';
import { introspectionEndpoint } from './introspection-endpoint';
import { tokenEndpoint } from './token-endpoint';
import { userInfoEndpoint } from './user-info-endpoint';

/**
 * A JOSE input holding a member of the wrong JSON type is a refusal in the protocol's own terms at
 * every endpoint that reads one, never a 500: RFC 9449 §5 for DPoP proofs (resources: in
 * dpop-binding.unit.test.ts), RFC 6750 §3.1 and RFC 7662 §2.2 for access tokens we signed ourselves.
 */
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const ODD_VALUES: unknown[] = ['x', 42, true, null, ['x'], { a: { b: [1, null] } }];

describe('JOSE inputs with members of the wrong JSON type, at the endpoints', () => {
  let fixture: OAuthFixture;
  let secret: string;

  /** An access token written by hand and signed with our active key, with one claim replaced. */
  function ourTokenWith(claim: string, value: unknown): string {
    const { kid, privateKey } = fixture.context.keys.active;
    const now = Math.floor(fixture.clock.now().getTime() / 1000);
    const claims = { iss: fixture.context.settings.issuer, sub: 'a', aud: 'x', client_id: 'a', scope: 'read' };
    const payload = { ...claims, jti: 'j', iat: now, exp: now + 60, [claim]: value };
    const input = `${encode({ alg: 'ES256', typ: 'at+jwt', kid })}.${encode(payload)}`;
    const signature = sign('sha256', Buffer.from(input), { key: privateKey as KeyObject, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }
  const proofWithJwk = (jwk: unknown) => `${encode({ typ: 'dpop+jwt', alg: 'ES256', jwk })}.${encode({})}.c2ln`;
  const resourceRequest = (authorization: string): OAuthRequest => ({
    method: 'GET',
    headers: { authorization },
    body: '',
    remoteAddress: '127.0.0.1',
    requestId: 'odd-json-types',
  });

  beforeEach(async () => {
    fixture = await oauthFixture();
    secret = (await fixture.registerClient({ name: 'a', client_id: 'a', scopes: 'read' })).secret ?? '';
  });

  it.each(ODD_VALUES)('answers 400 invalid_dpop_proof at the token endpoint to a jwk of %j', async (jwk) => {
    const request = formRequest(
      { grant_type: 'client_credentials', client_id: 'a', client_secret: secret },
      { dpop: proofWithJwk(jwk) },
    );
    const response = await respond(fixture.context, tokenEndpoint, request);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_dpop_proof' });
  });

  /** Each claim with every odd value but one of its own type (pat is only ever true). */
  const ownType = (claim: string) => (claim === 'iat' || claim === 'exp' ? 'number' : 'string');
  const ODD_CLAIMS = ['sub', 'client_id', 'scope', 'jti', 'iat', 'exp', 'gid', 'pat', 'cnf'].flatMap((claim) =>
    ODD_VALUES.filter((value) => typeof value !== ownType(claim) && !(claim === 'pat' && value === true)).map(
      (value) => [claim, value] as const,
    ),
  );

  it.each(ODD_CLAIMS)('reports our token with %s = %j inactive at introspection', async (claim, value) => {
    const request = formRequest({ token: ourTokenWith(claim, value), client_id: 'a', client_secret: secret });
    const response = await respond(fixture.context, introspectionEndpoint, request);
    expect(response).toMatchObject({ status: 200, body: { active: false } });
  });

  it.each(ODD_CLAIMS)('answers 401 invalid_token at /api/user to our token with %s = %j', async (claim, value) => {
    const response = await respond(
      fixture.context,
      userInfoEndpoint,
      resourceRequest(`Bearer ${ourTokenWith(claim, value)}`),
    );
    expect(response.status).toBe(401);
    expect(response.headers?.['WWW-Authenticate']).toMatch(/error="invalid_token"/);
  });
});
