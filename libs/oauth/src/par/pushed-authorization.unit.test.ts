import { formRequest, oauthFixture, pkcePair, type OAuthFixture } from '@grantline/lib-testing';
import { pushedAuthorizationEndpoint } from './par-endpoint';
import { authorizationParametersOf, channelOf } from './pushed-authorization';
import { claimPushedRequest, REQUEST_URI_PREFIX, type PushedRequest } from './pushed-request';

const REDIRECT = 'https://app.test/cb';

describe('a pushed request at the authorization endpoint (RFC 9126 §4)', () => {
  let fixture: OAuthFixture;
  let requestUri: string;
  const { challenge } = pkcePair();
  const pushedParameters = {
    response_type: 'code',
    client_id: 'spa',
    redirect_uri: REDIRECT,
    scope: 'read',
    state: 'pushed-state',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  const resolve = (query: Record<string, string>) =>
    authorizationParametersOf(fixture.context, new URLSearchParams(query).toString());
  async function pushed(query: Record<string, string>): Promise<PushedRequest> {
    const resolved = await resolve(query);
    if (resolved.kind !== 'pushed') throw new Error(`not pushed: ${JSON.stringify(resolved)}`);
    return resolved.pushed;
  }

  beforeEach(async () => {
    fixture = await oauthFixture();
    for (const clientId of ['spa', 'other']) {
      await fixture.registerClient({
        client_id: clientId,
        name: clientId,
        public: true,
        grant_types: ['authorization_code'],
        scopes: 'read write',
        redirect_uris: [REDIRECT],
      });
    }
    const response = await pushedAuthorizationEndpoint(fixture.context, formRequest(pushedParameters));
    requestUri = String((response.body as Record<string, unknown>).request_uri);
  });

  it('stands for the pushed parameters only; the rest of the query is ignored', async () => {
    const resolved = await resolve({
      client_id: 'spa',
      request_uri: requestUri,
      scope: 'write',
      redirect_uri: 'https://evil.test/cb',
      state: 'from-the-query',
    });
    expect(resolved.kind).toBe('pushed');
    if (resolved.kind !== 'pushed') return;
    expect(Object.fromEntries(new URLSearchParams(resolved.query))).toEqual(pushedParameters);
  });

  it('leaves a request without request_uri as it came', async () => {
    const query = new URLSearchParams(pushedParameters).toString();
    expect(await authorizationParametersOf(fixture.context, query)).toEqual({ kind: 'query', query });
  });

  it.each([
    ['without client_id', () => ({ request_uri: requestUri }), 'client_id is missing'],
    ['for another client', () => ({ client_id: 'other', request_uri: requestUri }), 'another application'],
    [
      'with a reference we did not seal',
      () => ({ client_id: 'spa', request_uri: `${REQUEST_URI_PREFIX}abc` }),
      'expired or is not valid',
    ],
  ])('shows an error page, never a redirect, %s', async (_case, query, message) => {
    expect(await resolve(query())).toEqual({ kind: 'fatal', message: expect.stringContaining(message) });
  });

  it('leaves a reference of another kind in the query, for the check to refuse at the redirect URI', async () => {
    const query = new URLSearchParams({ client_id: 'spa', request_uri: requestUri.replace('request_uri', 'other') });
    expect(await authorizationParametersOf(fixture.context, query.toString())).toEqual({
      kind: 'query',
      query: query.toString(),
    });
  });

  it('refuses a reference that has expired (60 s by default)', async () => {
    fixture.clock.advance(59);
    expect((await resolve({ client_id: 'spa', request_uri: requestUri })).kind).toBe('pushed');
    fixture.clock.advance(1);
    expect(await resolve({ client_id: 'spa', request_uri: requestUri })).toMatchObject({ kind: 'fatal' });
  });

  it('lets exactly one use claim a reference', async () => {
    const request = await pushed({ client_id: 'spa', request_uri: requestUri });
    expect(await claimPushedRequest(fixture.context, request)).toBe(true);
    expect(await claimPushedRequest(fixture.context, request)).toBe(false);
    expect(await claimPushedRequest(fixture.context, await pushed({ client_id: 'spa', request_uri: requestUri }))).toBe(
      false,
    );
  });

  it('checks pushed parameters as pushed, and the query against the server setting', () => {
    expect(channelOf(true, fixture.context)).toEqual({ pushed: true });
    expect(channelOf(false, fixture.context)).toEqual({ pushed: false, serverRequiresPush: false });
  });
});
