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
