import { basicAuth, formRequest, oauthFixture, respond, type OAuthFixture } from '@grantline/lib-testing';
import type { OAuthRequest } from './http-types';
import { tokenEndpoint } from './token-endpoint';

const answer = (fixture: OAuthFixture, request: OAuthRequest) => respond(fixture.context, tokenEndpoint, request);

describe('POST /oauth/token, client_credentials', () => {
  let fixture: OAuthFixture;
  let secret: string;

  beforeEach(async () => {
    fixture = await oauthFixture();
    ({ secret = '' } = await fixture.registerClient({
      name: 'service',
      client_id: 'svc',
      grant_types: ['client_credentials'],
      scopes: 'read write',
    }));
  });

  it('issues a Bearer token after recording it, with no-store and no refresh token', async () => {
    const response = await answer(
      fixture,
      formRequest({ grant_type: 'client_credentials', client_id: 'svc', client_secret: secret, scope: 'read' }),
    );
    expect(response.status).toBe(200);
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read' });
    expect(response.body).not.toHaveProperty('refresh_token');
    const issued = fixture.log.events.filter((event) => event.type === 'AccessTokenIssued');
    expect(issued).toHaveLength(1);
    expect(JSON.stringify(issued)).not.toContain((response.body as { access_token: string }).access_token);
  });

  it('accepts HTTP Basic with form-encoded credentials (RFC 6749 §2.3.1)', async () => {
    const response = await answer(
      fixture,
      formRequest({ grant_type: 'client_credentials' }, { authorization: basicAuth('svc', secret) }),
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ scope: 'read write' });
  });

  it('answers 503 temporarily_unavailable and hands nothing out when the log is down', async () => {
    fixture.log.unavailable = true;
    const response = await answer(
      fixture,
      formRequest({ grant_type: 'client_credentials', client_id: 'svc', client_secret: secret }),
    );
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
    expect(JSON.stringify(response.body)).not.toContain('access_token');
  });

  const malformedBasic = { authorization: 'Basic !!!notbase64' };
  it.each([
    ['missing grant_type', { client_id: 'svc', client_secret: 'S' }, {}, 400, 'invalid_request'],
    [
      'unknown grant_type',
      { grant_type: 'password', client_id: 'svc', client_secret: 'S' },
      {},
      400,
      'unsupported_grant_type',
    ],
    ['implicit is not a grant', { grant_type: 'implicit', client_id: 'svc' }, {}, 400, 'unsupported_grant_type'],
    [
      'wrong secret',
      { grant_type: 'client_credentials', client_id: 'svc', client_secret: 'wrong' },
      {},
      401,
      'invalid_client',
    ],
    ['missing secret', { grant_type: 'client_credentials', client_id: 'svc' }, {}, 401, 'invalid_client'],
    ['no client at all', { grant_type: 'client_credentials' }, {}, 401, 'invalid_client'],
    [
      'unknown client',
      { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'S' },
      {},
      401,
      'invalid_client',
    ],
    ['malformed Basic header', { grant_type: 'client_credentials' }, malformedBasic, 401, 'invalid_client'],
    [
      'unknown scope',
      { grant_type: 'client_credentials', client_id: 'svc', client_secret: 'S', scope: 'admin' },
      {},
      400,
      'invalid_scope',
    ],
  ])('%s → %i %s, nothing recorded', async (_name, params, headers, status, error) => {
    const before = fixture.log.events.length;
    const body = Object.fromEntries(
      Object.entries(params).map(([key, value]) => [key, key === 'client_secret' && value === 'S' ? secret : value]),
    );
    const response = await answer(fixture, formRequest(body, headers));
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ error });
    expect(fixture.log.events.length).toBe(before);
  });

  it('sends WWW-Authenticate only when Basic was tried', async () => {
    const basic = await answer(
      fixture,
      formRequest({ grant_type: 'client_credentials' }, { authorization: basicAuth('svc', 'bad') }),
    );
    const post = await answer(
      fixture,
      formRequest({ grant_type: 'client_credentials', client_id: 'svc', client_secret: 'bad' }),
    );
    expect(basic.headers['WWW-Authenticate']).toMatch(/^Basic /);
    expect(post.headers['WWW-Authenticate']).toBeUndefined();
  });

  it('rejects JSON bodies and repeated parameters with invalid_request', async () => {
    const json = await answer(fixture, {
      ...formRequest({}),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    const repeated = await answer(
      fixture,
      formRequest(`grant_type=client_credentials&scope=read&scope=write&client_id=svc&client_secret=${secret}`),
    );
    expect([json.status, json.body]).toEqual([400, expect.objectContaining({ error: 'invalid_request' })]);
    expect([repeated.status, repeated.body]).toEqual([400, expect.objectContaining({ error: 'invalid_request' })]);
    expect(fixture.log.events.filter((event) => event.type === 'AccessTokenIssued')).toHaveLength(0);
  });

  it('refuses Basic and a body secret together (RFC 6749 §2.3)', async () => {
    const response = await answer(
      fixture,
      formRequest(
        { grant_type: 'client_credentials', client_secret: secret },
        { authorization: basicAuth('svc', secret) },
      ),
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses a client not registered for the grant with unauthorized_client', async () => {
    const other = await fixture.registerClient({
      name: 'code only',
      grant_types: ['authorization_code'],
      scopes: 'read',
    });
    const response = await answer(
      fixture,
      formRequest({ grant_type: 'client_credentials', client_id: other.clientId, client_secret: other.secret ?? '' }),
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'unauthorized_client' });
  });
});
