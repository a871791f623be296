import { oauthFixture, respond, type OAuthFixture } from '@grantline/lib-testing';
import type { OAuthRequest } from './http-types';
import { listPersonalAccessTokensEndpoint } from './personal-access-tokens/pat-endpoints';
import {
  protectedResourceMetadata,
  protectedResourceMetadataEndpoint,
  protectedResourceMetadataPath,
  protectedResourceMetadataUrl,
} from './protected-resource-metadata';
import { userInfoEndpoint } from './user-info-endpoint';

const METADATA = 'https://issuer.test/.well-known/oauth-protected-resource';
const ALGS = 'algs="ES256 EdDSA RS256 PS256"';

describe('where protected resource metadata is (RFC 9728 §3.1)', () => {
  it.each([
    ['https://as.example', 'https://as.example/.well-known/oauth-protected-resource'],
    ['https://as.example/', 'https://as.example/.well-known/oauth-protected-resource'],
    ['https://as.example:8443/tenant', 'https://as.example:8443/.well-known/oauth-protected-resource/tenant'],
    ['https://as.example/tenant/', 'https://as.example/.well-known/oauth-protected-resource/tenant'],
  ])('for the resource %s: %s', (resource, url) => {
    expect(protectedResourceMetadataUrl(resource)).toBe(url);
  });

  it('is served at the path of the issuer, which identifies Grantline’s own API', () => {
    expect(protectedResourceMetadataPath('http://localhost:3000')).toBe('/.well-known/oauth-protected-resource');
    expect(protectedResourceMetadataPath('https://id.example/eu')).toBe('/.well-known/oauth-protected-resource/eu');
  });
});

describe('the protected resource metadata of Grantline’s own API (RFC 9728 §2)', () => {
  it('names the issuer as resource and authorization server, header-only tokens, DPoP optional', () => {
    expect(protectedResourceMetadata('https://issuer.test')).toEqual({
      resource: 'https://issuer.test',
      authorization_servers: ['https://issuer.test'],
      scopes_supported: ['personal-access-tokens'],
      bearer_methods_supported: ['header'],
      dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'RS256', 'PS256'],
      dpop_bound_access_tokens_required: false,
      resource_name: 'Grantline',
    });
  });

  it('is answered from settings, cacheable', async () => {
    const fixture = await oauthFixture();
    const response = protectedResourceMetadataEndpoint(fixture.context);
    expect(response).toMatchObject({ status: 200, headers: { 'Cache-Control': 'public, max-age=300' } });
    expect(response.body).toMatchObject({ resource: 'https://issuer.test' });
  });
});

describe('challenges of Grantline’s own API name its metadata (RFC 9728 §5.1)', () => {
  let fixture: OAuthFixture;
  const asking = (authorization?: string): OAuthRequest => ({
    method: 'GET',
    headers: authorization === undefined ? {} : { authorization },
    body: '',
    path: '/api/user',
    remoteAddress: '127.0.0.1',
    requestId: 'resource-request',
  });

  beforeAll(async () => {
    fixture = await oauthFixture();
  });

  it.each<[string, string | undefined, string]>([
    [
      'no token: both schemes, no error code',
      undefined,
      `Bearer realm="grantline", resource_metadata="${METADATA}", DPoP resource_metadata="${METADATA}", ${ALGS}`,
    ],
    [
      'a Bearer token that is not ours',
      'Bearer not-a-token',
      'Bearer realm="grantline", error="invalid_token", error_description="The access token is invalid or expired", ' +
        `resource_metadata="${METADATA}"`,
    ],
    [
      'a DPoP token that is not ours',
      'DPoP not-a-token',
      'DPoP error="invalid_token", error_description="The access token is invalid or expired", ' +
        `resource_metadata="${METADATA}", ${ALGS}`,
    ],
  ])('at /api/user, %s', async (_name, authorization, challenge) => {
    const response = await respond(fixture.context, userInfoEndpoint, asking(authorization));
    expect(response.status).toBe(401);
    expect(response.headers['WWW-Authenticate']).toBe(challenge);
  });

  it('at the personal access token endpoints', async () => {
    const response = await respond(fixture.context, listPersonalAccessTokensEndpoint, asking('Bearer nope'));
    expect(response.status).toBe(401);
    expect(response.headers['WWW-Authenticate']).toContain(`resource_metadata="${METADATA}"`);
  });
});
