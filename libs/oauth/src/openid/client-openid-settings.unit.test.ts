import { z } from 'zod';
import { plainOpenIdClient, type OpenIdClient } from '@grantline/lib-events';
import {
  applyOpenIdInput,
  backchannelLogoutUriRefusal,
  openIdAdminFields,
  openIdAdminView,
  openIdSettingsRefusal,
  postLogoutRedirectUriRefusal,
} from './client-openid-settings';

const adminInput = z.object(openIdAdminFields).strict();
const offered = { algorithms: ['ES256', 'RS256'], pairwiseSalt: 'a-long-random-salt' };
const client = (openid: Partial<OpenIdClient>, redirectUris = ['https://app.example/cb']) => ({
  openid: { ...plainOpenIdClient(), ...openid },
  redirectUris,
});

describe('post-logout redirect URIs follow the rules of redirect URIs', () => {
  it.each([
    ['https://app.example/signed-out', undefined, null],
    ['http://127.0.0.1:8000/bye', undefined, null],
    ['com.example.app:/bye', undefined, null],
    ['http://app.example/bye', undefined, expect.stringContaining('loopback')],
    ['https://app.example/bye#top', undefined, 'must not contain a fragment'],
    ['javascript:alert(1)', undefined, expect.stringContaining('javascript')],
    ['/relative', undefined, 'must be an absolute URI'],
    ['https://app.example/bye', 'web', null],
    ['http://127.0.0.1:8000/bye', 'web', expect.stringContaining('https')],
    ['http://127.0.0.1:8000/bye', 'native', null],
    ['myapp:/bye', 'native', expect.stringContaining('reverse domain name')],
  ] as const)('%s (%s)', (uri, applicationType, refusal) => {
    expect(postLogoutRedirectUriRefusal(uri, applicationType)).toEqual(refusal);
  });
});

describe('back-channel logout URIs', () => {
  it.each([
    ['https://app.example/backchannel', null],
    ['https://app.example/backchannel?tenant=1', null],
    ['http://127.0.0.1:9000/backchannel', null],
    ['http://[::1]:9000/backchannel', null],
    ['http://app.example/backchannel', expect.stringContaining('https')],
    ['https://app.example/backchannel#x', expect.stringContaining('fragment')],
    ['ftp://app.example/backchannel', expect.stringContaining('https')],
    ['not a uri', 'must be an absolute URI'],
  ])('%s', (uri, refusal) => {
    expect(backchannelLogoutUriRefusal(uri)).toEqual(refusal);
  });
});

describe('the admin API input', () => {
  it('takes every setting by its registration name', () => {
    const input = adminInput.parse({
      id_token_signed_response_alg: 'ES256',
      subject_type: 'pairwise',
      sector_identifier_host: 'Apps.Example:8443',
      post_logout_redirect_uris: ['https://app.example/bye', 'https://app.example/bye'],
      backchannel_logout_uri: 'https://app.example/backchannel',
      backchannel_logout_session_required: true,
      default_max_age: 3600,
      require_auth_time: true,
      end_grants_with_session: false,
    });
    expect(applyOpenIdInput(plainOpenIdClient(), input)).toEqual({
      idTokenSignedResponseAlg: 'ES256',
      subjectType: 'pairwise',
      sectorIdentifierHost: 'apps.example:8443',
      postLogoutRedirectUris: ['https://app.example/bye'],
      backchannelLogoutUri: 'https://app.example/backchannel',
      backchannelLogoutSessionRequired: true,
      defaultMaxAge: 3600,
      requireAuthTime: true,
      endGrantsWithSession: false,
    });
  });

  it('keeps what is left out and clears what is null', () => {
    const current = applyOpenIdInput(plainOpenIdClient(), {
      id_token_signed_response_alg: 'ES256',
      backchannel_logout_uri: 'https://app.example/backchannel',
      default_max_age: 60,
    });
    const changed = applyOpenIdInput(current, adminInput.parse({ default_max_age: null, require_auth_time: true }));
    expect(changed).toEqual({ ...current, defaultMaxAge: null, requireAuthTime: true });
    expect(applyOpenIdInput(changed, { id_token_signed_response_alg: null }).idTokenSignedResponseAlg).toBeNull();
  });

  it.each([
    ['an algorithm Grantline does not sign ID tokens with', { id_token_signed_response_alg: 'HS256' }],
    ['an unsigned ID token', { id_token_signed_response_alg: 'none' }],
    ['an unknown subject type', { subject_type: 'random' }],
    ['a sector that is a URL, not a host', { sector_identifier_host: 'https://apps.example/' }],
    ['a sector with a path', { sector_identifier_host: 'apps.example/x' }],
    ['a post-logout redirect URI over http', { post_logout_redirect_uris: ['http://app.example/bye'] }],
    ['a back-channel URI over http', { backchannel_logout_uri: 'http://app.example/bc' }],
    ['a negative max age', { default_max_age: -1 }],
    ['a max age that is not whole', { default_max_age: 1.5 }],
    ['an unknown setting', { frontchannel_logout_uri: 'https://app.example/fc' }],
  ])('refuses %s', (_name, body) => {
    expect(adminInput.safeParse(body).success).toBe(false);
  });
});

describe('the checks every client passes', () => {
  it('accepts the defaults', () => {
    expect(openIdSettingsRefusal(client({}), { algorithms: [], pairwiseSalt: null })).toBeNull();
  });

  it('takes an ID token algorithm the key ring holds, and RS256 always (the server falls back)', () => {
    expect(openIdSettingsRefusal(client({ idTokenSignedResponseAlg: 'ES256' }), offered)).toBeNull();
    const rsaOnly = { ...offered, algorithms: ['RS256'] };
    expect(openIdSettingsRefusal(client({ idTokenSignedResponseAlg: 'ES256' }), rsaOnly)).toContain('ES256');
    const ecOnly = { ...offered, algorithms: ['ES256'] };
    expect(openIdSettingsRefusal(client({ idTokenSignedResponseAlg: 'RS256' }), ecOnly)).toBeNull();
  });

  it('offers pairwise subjects only with a salt', () => {
    const pairwise = client({ subjectType: 'pairwise' });
    expect(openIdSettingsRefusal(pairwise, offered)).toBeNull();
    expect(openIdSettingsRefusal(pairwise, { ...offered, pairwiseSalt: null })).toContain('GRANTLINE_PAIRWISE_SALT');
  });

  it('needs a sector for pairwise subjects: a registered host, or redirect URIs on one host', () => {
    const twoHosts = ['https://a.example/cb', 'https://b.example/cb'];
    expect(openIdSettingsRefusal(client({ subjectType: 'pairwise' }, twoHosts), offered)).toContain('sector');
    expect(
      openIdSettingsRefusal(client({ subjectType: 'pairwise', sectorIdentifierHost: 'example' }, twoHosts), offered),
    ).toBeNull();
    expect(openIdSettingsRefusal(client({ subjectType: 'pairwise' }, []), offered)).toContain('sector');
    expect(openIdSettingsRefusal(client({}, twoHosts), offered)).toBeNull();
  });

  it('needs a back-channel logout URI for back-channel logout with sid', () => {
    expect(openIdSettingsRefusal(client({ backchannelLogoutSessionRequired: true }), offered)).toContain(
      'backchannel_logout_uri',
    );
    expect(
      openIdSettingsRefusal(
        client({ backchannelLogoutSessionRequired: true, backchannelLogoutUri: 'https://app.example/bc' }),
        offered,
      ),
    ).toBeNull();
  });
});

it('shows the settings by their registration names, with the default algorithm spelled out', () => {
  expect(openIdAdminView(plainOpenIdClient())).toEqual({
    id_token_signed_response_alg: 'RS256',
    subject_type: 'public',
    sector_identifier_host: null,
    post_logout_redirect_uris: [],
    backchannel_logout_uri: null,
    backchannel_logout_session_required: false,
    default_max_age: null,
    require_auth_time: false,
    end_grants_with_session: true,
  });
});
