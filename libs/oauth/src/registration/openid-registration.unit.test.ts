import { MemoryFetcher, oauthFixture, respond, type OAuthFixture } from '@grantline/lib-testing';
import type { OAuthRequest } from '../http-types';
import { readRegistrationEndpoint, registrationEndpoint, replaceRegistrationEndpoint } from './registration-endpoints';

const SECTOR_URI = 'https://sector.example/redirects.json';
const web = {
  client_name: 'Dashboard',
  grant_types: ['authorization_code', 'refresh_token'],
  redirect_uris: ['https://dashboard.example/cb', 'https://admin.example/cb'],
  scope: 'read',
};

function request(authorization?: string): OAuthRequest {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: '',
    remoteAddress: '192.0.2.1',
    requestId: 'registration-request',
  };
}

describe('OpenID Connect dynamic registration (Registration 1.0 §2, RFC 7591)', () => {
  let fixture: OAuthFixture;
  let fetcher: MemoryFetcher;
  beforeEach(async () => {
    fixture = await oauthFixture();
    fixture.context.settings.registration = { ...fixture.context.settings.registration, policy: 'open' };
    fetcher = new MemoryFetcher();
    fixture.context.fetcher = fetcher;
  });
  const register = (body: unknown) =>
    respond(fixture.context, (context, req) => registrationEndpoint(context, req, body), request());
  const refusal = async (body: unknown) => {
    const before = fixture.log.events.length;
    const response = await register(body);
    expect(fixture.log.events).toHaveLength(before);
    expect(response.status).toBe(400);
    return response.body as { error: string; error_description: string };
  };

  it('accepts, records and echoes the OpenID Connect members', async () => {
    const echoed = {
      id_token_signed_response_alg: 'ES256',
      subject_type: 'pairwise',
      post_logout_redirect_uris: ['https://dashboard.example/signed-out'],
      backchannel_logout_uri: 'https://dashboard.example/backchannel',
      backchannel_logout_session_required: true,
      default_max_age: 600,
      require_auth_time: true,
    };
    const response = await register({ ...web, redirect_uris: ['https://dashboard.example/cb'], ...echoed });
    expect(response.status).toBe(201);
    const information = response.body as Record<string, unknown> & {
      client_id: string;
      registration_access_token: string;
    };
    expect(information).toMatchObject(echoed);
    expect(fixture.log.events.at(-1)).toMatchObject({
      type: 'ClientRegistered',
      data: {
        client: {
          openid: {
            idTokenSignedResponseAlg: 'ES256',
            subjectType: 'pairwise',
            sectorIdentifierHost: null,
            postLogoutRedirectUris: ['https://dashboard.example/signed-out'],
            backchannelLogoutUri: 'https://dashboard.example/backchannel',
            backchannelLogoutSessionRequired: true,
            defaultMaxAge: 600,
            requireAuthTime: true,
            endGrantsWithSession: true,
          },
        },
      },
    });
    // RFC 7592 §2.1: a read shows them too.
    const read = await respond(
      fixture.context,
      (context, req) => readRegistrationEndpoint(context, req, information.client_id),
      request(`Bearer ${information.registration_access_token}`),
    );
    expect(read.body).toMatchObject(echoed);
  });

  it('answers the defaults when none are sent: RS256, public subjects', async () => {
    const response = await register({ ...web });
    expect(response.body).toMatchObject({ id_token_signed_response_alg: 'RS256', subject_type: 'public' });
    expect(response.body).not.toHaveProperty('sector_identifier_uri');
  });

  it('takes the sector from a sector identifier document that lists every redirect URI', async () => {
    fetcher.serve(SECTOR_URI, [...web.redirect_uris, 'https://other.example/cb']);
    const response = await register({ ...web, subject_type: 'pairwise', sector_identifier_uri: SECTOR_URI });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ subject_type: 'pairwise', sector_identifier_uri: SECTOR_URI });
    expect(fetcher.fetched).toEqual([SECTOR_URI]);
    expect(fixture.log.events.at(-1)).toMatchObject({
      data: {
        client: {
          openid: { subjectType: 'pairwise', sectorIdentifierHost: 'sector.example' },
          registration: { sectorIdentifierUri: SECTOR_URI },
        },
      },
    });
  });

  it.each([
    ['an unknown algorithm', { id_token_signed_response_alg: 'HS256' }, 'id_token_signed_response_alg'],
    ['an unsigned ID token', { id_token_signed_response_alg: 'none' }, 'id_token_signed_response_alg'],
    ['an unknown subject type', { subject_type: 'anonymous' }, 'subject_type'],
    ['pairwise across hosts without a sector', { subject_type: 'pairwise' }, 'sector'],
    [
      'a sector identifier over http',
      { sector_identifier_uri: 'http://sector.example/r.json' },
      'sector_identifier_uri',
    ],
    ['a sector identifier that cannot be fetched', { sector_identifier_uri: SECTOR_URI }, 'could not be fetched'],
    [
      'a post-logout redirect over http',
      { post_logout_redirect_uris: ['http://dashboard.example/bye'] },
      'post_logout',
    ],
    ['a post-logout redirect with a fragment', { post_logout_redirect_uris: ['https://d.example/b#x'] }, 'fragment'],
    [
      'a back-channel URI over http',
      { backchannel_logout_uri: 'http://dashboard.example/bc' },
      'backchannel_logout_uri',
    ],
    [
      'a back-channel URI with a fragment',
      { backchannel_logout_uri: 'https://d.example/bc#x' },
      'backchannel_logout_uri',
    ],
    ['sid required without a back-channel URI', { backchannel_logout_session_required: true }, 'backchannel'],
    ['a negative max age', { default_max_age: -5 }, 'default_max_age'],
  ])('refuses %s with invalid_client_metadata, recording nothing', async (_name, members, mention) => {
    const body = await refusal({ ...web, ...members });
    expect(body.error).toBe('invalid_client_metadata');
    expect(body.error_description).toContain(mention);
  });

  it('refuses a sector identifier document that leaves out a redirect URI, or is not a list', async () => {
    fetcher.serve(SECTOR_URI, ['https://dashboard.example/cb']);
    expect(await refusal({ ...web, sector_identifier_uri: SECTOR_URI })).toMatchObject({
      error: 'invalid_client_metadata',
      error_description: expect.stringContaining('https://admin.example/cb'),
    });
    fetcher.serve(SECTOR_URI, { redirect_uris: web.redirect_uris });
    expect(await refusal({ ...web, sector_identifier_uri: SECTOR_URI })).toMatchObject({
      error: 'invalid_client_metadata',
      error_description: expect.stringContaining('not a JSON array'),
    });
  });

  it('refuses pairwise subjects when the operator set no salt', async () => {
    fixture.context.settings.openid = { ...fixture.context.settings.openid, pairwiseSalt: null };
    const body = await refusal({ ...web, redirect_uris: ['https://dashboard.example/cb'], subject_type: 'pairwise' });
    expect(body).toMatchObject({
      error: 'invalid_client_metadata',
      error_description: expect.stringContaining('pairwise'),
    });
  });

  it('checks post-logout redirect URIs by the application type, like redirect URIs', async () => {
    const native = {
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      redirect_uris: ['http://127.0.0.1/cb'],
    };
    expect((await register({ ...native, post_logout_redirect_uris: ['http://127.0.0.1/bye'] })).status).toBe(201);
    expect(await refusal({ ...web, post_logout_redirect_uris: ['http://127.0.0.1/bye'] })).toMatchObject({
      error: 'invalid_client_metadata',
    });
  });

  it('replaces the OpenID Connect members whole', async () => {
    const created = (await register({ ...web, default_max_age: 60, require_auth_time: true })).body as {
      client_id: string;
      registration_access_token: string;
    };
    const replaced = await respond(
      fixture.context,
      (context, req) =>
        replaceRegistrationEndpoint(context, req, created.client_id, {
          ...web,
          client_id: created.client_id,
          id_token_signed_response_alg: 'ES256',
        }),
      request(`Bearer ${created.registration_access_token}`),
    );
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id_token_signed_response_alg: 'ES256', require_auth_time: false });
    expect(replaced.body).not.toHaveProperty('default_max_age');
    expect(fixture.log.events.at(-1)).toMatchObject({
      type: 'ClientUpdated',
      data: { client: { openid: { endGrantsWithSession: true, defaultMaxAge: null } } },
    });
  });
});
