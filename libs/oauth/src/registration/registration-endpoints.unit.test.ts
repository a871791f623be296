import { basicAuth, formRequest, oauthFixture, respond, type OAuthFixture } from '@grantline/lib-testing';
import type { OAuthRequest, OAuthResponse } from '../http-types';
import type { OAuthContext } from '../oauth-context';
import { tokenEndpoint } from '../token-endpoint';
import { everyGrant } from '../grants/registry';
import type { RegistrationSettings } from './registration-policy';
import {
  deleteRegistrationEndpoint,
  readRegistrationEndpoint,
  registrationEndpoint,
  replaceRegistrationEndpoint,
} from './registration-endpoints';

const INITIAL_TOKEN = 'initial-access-token-of-at-least-32-characters';
const metadata = {
  client_name: 'Batch job',
  grant_types: ['client_credentials'],
  response_types: [],
  scope: 'read',
  software_id: 'batch',
};

type Information = Record<string, unknown> & {
  client_id: string;
  client_secret?: string;
  registration_access_token?: string;
  registration_client_uri: string;
};

function request(authorization?: string, remoteAddress = '192.0.2.1'): OAuthRequest {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: '',
    remoteAddress,
    requestId: 'registration-request',
  };
}

describe('dynamic client registration over the endpoints (RFC 7591, RFC 7592)', () => {
  let fixture: OAuthFixture;
  const setUp = async (registration: Partial<RegistrationSettings>) => {
    fixture = await oauthFixture();
    fixture.context.settings.registration = {
      ...fixture.context.settings.registration,
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      ...registration,
    };
  };
  const call = (
    endpoint: (context: OAuthContext, request: OAuthRequest) => Promise<OAuthResponse>,
    req: OAuthRequest,
  ) => respond(fixture.context, endpoint, req);
  const register = (body: unknown, authorization?: string, address?: string) =>
    call((context, req) => registrationEndpoint(context, req, body), request(authorization, address));
  const read = (clientId: string, token: string) =>
    call((context, req) => readRegistrationEndpoint(context, req, clientId), request(`Bearer ${token}`));
  const replace = (clientId: string, token: string, body: unknown) =>
    call((context, req) => replaceRegistrationEndpoint(context, req, clientId, body), request(`Bearer ${token}`));
  const remove = (clientId: string, token: string) =>
    call((context, req) => deleteRegistrationEndpoint(context, req, clientId), request(`Bearer ${token}`));
  const registered = async (body: unknown = metadata) => {
    const response = await register(body);
    if (response.status !== 201) throw new Error(`registration failed: ${JSON.stringify(response.body)}`);
    return response.body as Information;
  };
  const clientCredentials = (clientId: string, secret: string) =>
    call(
      (context, req) => tokenEndpoint(context, req, everyGrant),
      formRequest({ grant_type: 'client_credentials', scope: 'read' }, { authorization: basicAuth(clientId, secret) }),
    );

  describe('the policy', () => {
    it('off: the endpoint is not there, and nothing is recorded', async () => {
      await setUp({ policy: 'off' });
      const response = await register(metadata);
      expect(response.status).toBe(404);
      expect(fixture.log.events).toHaveLength(0);
    });

    it('token: without the initial access token, 401 with a Bearer challenge and nothing recorded', async () => {
      await setUp({ policy: 'token', initialAccessTokens: [INITIAL_TOKEN] });
      const missing = await register(metadata);
      expect(missing.status).toBe(401);
      expect(missing.headers['WWW-Authenticate']).toBe('Bearer realm="grantline"');
      const wrong = await register(metadata, `Bearer ${INITIAL_TOKEN}x`);
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ error: 'invalid_token' });
      expect(fixture.log.events).toHaveLength(0);
      expect((await register(metadata, `Bearer ${INITIAL_TOKEN}`)).status).toBe(201);
    });

    it('open: limited per caller address', async () => {
      await setUp({ policy: 'open', limitPerHour: 2 });
      expect((await register(metadata, undefined, '192.0.2.7')).status).toBe(201);
      expect((await register(metadata, undefined, '192.0.2.7')).status).toBe(201);
      const limited = await register(metadata, undefined, '192.0.2.7');
      expect(limited.status).toBe(429);
      expect((await register(metadata, undefined, '192.0.2.8')).status).toBe(201);
      expect(fixture.log.events).toHaveLength(3);
    });

    it('refused metadata gets its RFC 7591 §3.2.2 code and records nothing', async () => {
      await setUp({ policy: 'open' });
      const response = await register({ redirect_uris: ['http://app.example/cb'] });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_redirect_uri' });
      expect(fixture.log.events).toHaveLength(0);
    });
  });

  describe('a registered client', () => {
    beforeEach(() => setUp({ policy: 'open' }));

    it('is answered with its credentials once, and works at the token endpoint at once', async () => {
      const client = await registered();
      expect(client).toMatchObject({
        client_name: 'Batch job',
        grant_types: ['client_credentials'],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
        client_secret_expires_at: 0,
        scope: 'read',
        software_id: 'batch',
        application_type: 'web',
        registration_client_uri: `https://issuer.test/oauth/register/${client.client_id}`,
      });
      expect(typeof client.client_id_issued_at).toBe('number');
      const token = await clientCredentials(client.client_id, client.client_secret ?? '');
      expect(token.status).toBe(200);
    });

    it('keeps only hashes: neither the secret nor the registration access token is in the log', async () => {
      const client = await registered();
      const logged = JSON.stringify(fixture.log.events);
      expect(logged).not.toContain(client.client_secret);
      expect(logged).not.toContain(client.registration_access_token);
      expect(fixture.log.events[0]).toMatchObject({
        type: 'ClientRegistered',
        data: { client: { registration: { applicationType: 'web', tokenEndpointAuthMethod: 'client_secret_basic' } } },
      });
    });

    it('reads its registration with the registration access token, without secrets', async () => {
      const client = await registered();
      const response = await read(client.client_id, client.registration_access_token ?? '');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ client_id: client.client_id, client_name: 'Batch job' });
      expect(response.body).not.toHaveProperty('client_secret');
      expect(response.body).not.toHaveProperty('registration_access_token');
    });

    it('answers a wrong token, an unknown client and an operator-made client alike: 401 invalid_token', async () => {
      const client = await registered();
      const operatorMade = await fixture.registerClient({ name: 'ops', grant_types: ['client_credentials'] });
      const answers = await Promise.all([
        read(client.client_id, 'wrong-token'),
        read('no-such-client', client.registration_access_token ?? ''),
        read(operatorMade.clientId, client.registration_access_token ?? ''),
      ]);
      for (const answer of answers) {
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual({
          error: 'invalid_token',
          error_description: 'The token is not valid for this registration',
        });
      }
    });

    it('replaces its metadata whole, keeps its secret and rotates the registration access token', async () => {
      const client = await registered();
      const response = await replace(client.client_id, client.registration_access_token ?? '', {
        ...metadata,
        client_id: client.client_id,
        client_name: 'Nightly batch job',
        registration_access_token: 'ignored',
      });
      expect(response.status).toBe(200);
      const replaced = response.body as Information;
      expect(replaced.client_name).toBe('Nightly batch job');
      expect(replaced.software_id).toBe('batch');
      expect(replaced).not.toHaveProperty('client_secret');
      expect(replaced.registration_access_token).not.toBe(client.registration_access_token);
      expect((await read(client.client_id, client.registration_access_token ?? '')).status).toBe(401);
      expect((await read(client.client_id, replaced.registration_access_token ?? '')).status).toBe(200);
      expect((await clientCredentials(client.client_id, client.client_secret ?? '')).status).toBe(200);
    });

    it('refuses a replacement naming another client or the wrong secret, recording nothing', async () => {
      const client = await registered();
      const token = client.registration_access_token ?? '';
      const before = fixture.log.events.length;
      const otherId = await replace(client.client_id, token, { ...metadata, client_id: 'other' });
      const wrongSecret = await replace(client.client_id, token, {
        ...metadata,
        client_id: client.client_id,
        client_secret: 'not-the-secret',
      });
      expect([otherId.body, wrongSecret.body]).toEqual([
        expect.objectContaining({ error: 'invalid_client_metadata' }),
        expect.objectContaining({ error: 'invalid_client_metadata' }),
      ]);
      expect(fixture.log.events).toHaveLength(before);
    });

    it('deletes itself: 204, the event says why, and its credentials stop working', async () => {
      const client = await registered();
      const response = await remove(client.client_id, client.registration_access_token ?? '');
      expect(response.status).toBe(204);
      expect(fixture.log.events.at(-1)).toMatchObject({
        type: 'ClientDeleted',
        data: { clientId: client.client_id, reason: 'registration' },
      });
      expect((await clientCredentials(client.client_id, client.client_secret ?? '')).status).toBe(401);
      expect((await read(client.client_id, client.registration_access_token ?? '')).status).toBe(401);
    });

    it('registers a public native app with a loopback redirect and no secret', async () => {
      const client = await registered({
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: ['http://127.0.0.1/callback', 'com.example.app:/callback'],
      });
      expect(client).not.toHaveProperty('client_secret');
      expect(client).not.toHaveProperty('client_secret_expires_at');
      expect(client).toMatchObject({ application_type: 'native', response_types: ['code'], scope: 'read write' });
    });
  });
});
