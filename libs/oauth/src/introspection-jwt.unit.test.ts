import { decodeProtectedHeader, jwtVerify } from 'jose';
import { basicAuth, formRequest, oauthFixture, respond, type OAuthFixture } from '@grantline/lib-testing';
import { RawBody, type OAuthRequest } from './http-types';
import { introspectionEndpoint } from './introspection-endpoint';
import { asksForSignedAnswer } from './introspection-jwt';
import { metadataEndpoint } from './metadata';
import { tokenEndpoint } from './token-endpoint';

const JWT = 'application/token-introspection+jwt';

describe('asking for a signed introspection answer (RFC 9701 §4)', () => {
  const accepting = (accept?: string): OAuthRequest =>
    formRequest({ token: 't' }, accept === undefined ? {} : { accept });

  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['application/json', false],
    ['*/*', false],
    [JWT, true],
    ['Application/Token-Introspection+JWT', true],
    [`${JWT}; q=0`, false],
    [`${JWT};q=nonsense`, false],
    [`application/json, ${JWT};q=0.5`, false],
    [`${JWT}, application/json;q=0.9`, true],
    [`application/json;q=0.5, ${JWT};q=0.5`, true],
    [`text/html, ${JWT}`, true],
  ])('Accept %j asks for a JWT: %s', (accept, expected) => {
    expect(asksForSignedAnswer(accepting(accept))).toBe(expected);
  });
});

describe('signed introspection answers (RFC 9701 §5)', () => {
  let fixture: OAuthFixture;
  let token: string;
  const caller = { authorization: basicAuth('rs', 'rs-secret-123') };
  const introspect = (params: Record<string, string>, headers: Record<string, string>) =>
    respond(fixture.context, introspectionEndpoint, formRequest(params, headers));
  const verified = async (body: unknown) => {
    expect(body).toBeInstanceOf(RawBody);
    const { contentType, text } = body as RawBody;
    expect(contentType).toBe(JWT);
    const { publicKey } = fixture.context.keys.active;
    return {
      header: decodeProtectedHeader(text),
      ...(await jwtVerify(text, publicKey, { typ: 'token-introspection+jwt' })),
    };
  };

  beforeEach(async () => {
    fixture = await oauthFixture();
    const { secret } = await fixture.registerClient({ name: 'app', client_id: 'app', scopes: 'read' });
    await fixture.registerClient({ name: 'rs', client_id: 'rs', client_secret: 'rs-secret-123', scopes: 'read' });
    const issued = await respond(
      fixture.context,
      tokenEndpoint,
      formRequest({ grant_type: 'client_credentials', client_id: 'app', client_secret: secret ?? '' }),
    );
    token = (issued.body as { access_token: string }).access_token;
  });

  it('signs the JSON answer for the caller: iss, aud = caller, iat, token_introspection', async () => {
    const json = await introspect({ token }, caller);
    const response = await introspect({ token }, { ...caller, accept: JWT });
    expect(response.status).toBe(200);
    expect(response.headers['Cache-Control']).toBe('no-store');
    const { header, payload } = await verified(response.body);
    expect(header).toEqual({ alg: 'ES256', typ: 'token-introspection+jwt', kid: 'test-key' });
    expect(payload).toEqual({
      iss: 'https://issuer.test',
      aud: 'rs',
      iat: Math.floor(fixture.clock.now().getTime() / 1000),
      token_introspection: json.body,
    });
  });

  it('signs an inactive answer as {active: false}', async () => {
    const { payload } = await verified((await introspect({ token: 'garbage' }, { ...caller, accept: JWT })).body);
    expect(payload.token_introspection).toEqual({ active: false });
  });

  it('refuses a signed answer to an unauthenticated caller, even where plain ones are allowed', async () => {
    fixture.context.settings.introspection.allowUnauthenticated = true;
    for (let i = 0; i < 4; i += 1) {
      const refused = await introspect({ token }, { accept: JWT });
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ error: 'invalid_client' });
    }
    // The refusals used none of the caller's unauthenticated allowance (3 a minute here).
    expect((await introspect({ token }, {})).body).toEqual({ active: true });
  });

  it('announces the algorithm in the server metadata (RFC 9701 §6)', async () => {
    const metadata = await metadataEndpoint(fixture.context);
    expect(metadata.body).toMatchObject({ introspection_signing_alg_values_supported: ['ES256'] });
  });
});
