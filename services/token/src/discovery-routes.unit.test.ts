import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, createLogger, finishApp } from '@grantline/lib-http';
import { oauthErrorHandler } from '@grantline/lib-runtime';
import { ProjectionStoreUnavailableError, ProjectionUnavailableError } from '@grantline/lib-projections';
import { oauthFixture, TEST_ISSUER, type OAuthFixture } from '@grantline/lib-testing';
import { discoveryRoutes } from './token-routes';

/** The discovery routes as a service serves them: express, with the error family's fallback. */
async function serveDiscovery(fixture: OAuthFixture): Promise<{ url: string; server: Server }> {
  const app = createApp(async () => ({}));
  app.use(discoveryRoutes(fixture.context));
  finishApp(app, oauthErrorHandler(createLogger('test', 'silent')));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('GET /.well-known/oauth-authorization-server', () => {
  let fixture: OAuthFixture;
  let served: { url: string; server: Server };

  beforeEach(async () => {
    fixture = await oauthFixture();
    served = await serveDiscovery(fixture);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await new Promise((done) => served.server.close(done));
  });

  it('answers the metadata, cacheable for a minute', async () => {
    const response = await fetch(`${served.url}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(await response.json()).toMatchObject({ issuer: TEST_ISSUER });
  });

  it.each([
    ['the projection is being rebuilt', new ProjectionUnavailableError('the projection is being rebuilt')],
    ['the projection store is down', new ProjectionStoreUnavailableError('redis unavailable')],
  ])('answers 503 temporarily_unavailable while %s', async (_name, failure) => {
    jest.spyOn(fixture.store, 'listClients').mockRejectedValue(failure);
    const response = await fetch(`${served.url}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
  });

  it('answers 500 server_error, with nothing of the failure, when something unexpected breaks', async () => {
    jest.spyOn(fixture.store, 'listClients').mockRejectedValue(new Error('secret internals'));
    const response = await fetch(`${served.url}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ error: 'server_error' });
    expect(text).not.toContain('secret');
  });
});

describe('GET /.well-known/openid-configuration (OpenID Connect Discovery §4)', () => {
  it('is the RFC 8414 document with the OpenID Provider members added, never disagreeing with it', async () => {
    const fixture = await oauthFixture();
    const served = await serveDiscovery(fixture);
    try {
      const oauth = (await (await fetch(`${served.url}/.well-known/oauth-authorization-server`)).json()) as Record<
        string,
        unknown
      >;
      const response = await fetch(`${served.url}/.well-known/openid-configuration`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=60');
      const openid = (await response.json()) as Record<string, unknown>;
      expect(openid).toMatchObject(oauth);
      expect(oauth.userinfo_endpoint).toBe(`${TEST_ISSUER}/userinfo`);
      expect(oauth.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']));
      expect(openid).toMatchObject({
        // The fixture's ring holds one ES256 key: the default falls back to it, and says so.
        id_token_signing_alg_values_supported: ['ES256'],
        subject_types_supported: ['public', 'pairwise'],
        claims_parameter_supported: true,
        request_parameter_supported: false,
        request_uri_parameter_supported: false,
        response_modes_supported: ['query', 'form_post'],
        prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
        end_session_endpoint: `${TEST_ISSUER}/oauth/logout`,
        backchannel_logout_supported: true,
        backchannel_logout_session_supported: true,
        frontchannel_logout_supported: false,
        claim_types_supported: ['normal'],
      });
      expect(openid.claims_supported).toEqual(
        expect.arrayContaining(['sub', 'auth_time', 'nonce', 'sid', 'email', 'email_verified', 'preferred_username']),
      );
      expect(openid).not.toHaveProperty('userinfo_signing_alg_values_supported');
      expect(oauth).not.toHaveProperty('id_token_signing_alg_values_supported');
    } finally {
      await new Promise((done) => served.server.close(done));
    }
  });

  it('offers public subjects only while no pairwise salt is set', async () => {
    const fixture = await oauthFixture({ openid: { idTokenTtlSeconds: 300, pairwiseSalt: null } });
    const served = await serveDiscovery(fixture);
    try {
      const openid = (await (await fetch(`${served.url}/.well-known/openid-configuration`)).json()) as Record<
        string,
        unknown
      >;
      expect(openid.subject_types_supported).toEqual(['public']);
    } finally {
      await new Promise((done) => served.server.close(done));
    }
  });
});

describe('GET /.well-known/oauth-protected-resource (RFC 9728 §3)', () => {
  it('answers the metadata of Grantline’s own API, even while the projection is unavailable', async () => {
    const fixture = await oauthFixture();
    const served = await serveDiscovery(fixture);
    try {
      jest.spyOn(fixture.store, 'listClients').mockRejectedValue(new ProjectionUnavailableError('rebuilding'));
      const response = await fetch(`${served.url}/.well-known/oauth-protected-resource`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=300');
      expect(await response.json()).toMatchObject({ resource: TEST_ISSUER, authorization_servers: [TEST_ISSUER] });
    } finally {
      jest.restoreAllMocks();
      await new Promise((done) => served.server.close(done));
    }
  });
});
