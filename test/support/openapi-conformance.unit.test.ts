import { driftOf } from './openapi-conformance';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

describe('drift between an answer and the OpenAPI description', () => {
  it('passes a documented answer', async () => {
    const ok = json(200, { access_token: 'a', token_type: 'Bearer', expires_in: 60, scope: 'read' });
    expect(await driftOf('post', '/oauth/token', ok)).toEqual([]);
  });

  it('names a body that no longer matches its schema', async () => {
    const drifted = json(200, { access_token: 'a', token_type: 'Bearer', expires_in: '60', extra: 1 });
    expect(await driftOf('post', '/oauth/token', drifted)).toEqual([
      'POST /oauth/token → 200: body must NOT have additional properties',
      'POST /oauth/token → 200: /expires_in must be integer',
    ]);
  });

  it('names an undocumented status, error code and content type', async () => {
    expect(await driftOf('post', '/oauth/token', json(418, {}))).toEqual([
      'POST /oauth/token → 418: status not documented',
    ]);
    expect(await driftOf('post', '/oauth/token', json(400, { error: 'made_up' }))).toEqual([
      'POST /oauth/token → 400: /error must be equal to one of the allowed values',
    ]);
    const page = new Response('<p>', { status: 200, headers: { 'content-type': 'text/html' } });
    expect(await driftOf('get', '/.well-known/jwks.json', page)).toEqual([
      "GET /.well-known/jwks.json → 200: content type 'text/html' not documented",
    ]);
  });
});
