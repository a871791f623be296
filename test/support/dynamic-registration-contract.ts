import { randomUUID } from 'node:crypto';
import { FormBrowser, obtainTokens, refresh, tokenRequest } from '@grantline/lib-testing';
import { basic, type GrantlineTestClient } from './oauth-test-client';

/** The settings both modes run the contract with: registration behind an initial access token. */
export const INITIAL_ACCESS_TOKEN = 'contract-initial-access-token-0123456789abcdef';
export const REGISTRATION_SETTINGS = {
  GRANTLINE_REGISTRATION: 'token',
  GRANTLINE_REGISTRATION_INITIAL_ACCESS_TOKENS: INITIAL_ACCESS_TOKEN,
  GRANTLINE_REGISTRATION_GRANT_TYPES: 'authorization_code refresh_token client_credentials',
  GRANTLINE_REGISTRATION_SCOPES: 'read write',
};

interface ClientInformation {
  client_id: string;
  client_secret?: string;
  registration_access_token: string;
  registration_client_uri: string;
  [member: string]: unknown;
}

/**
 * A client registers itself (RFC 7591), uses its credentials at once, then reads, replaces and
 * deletes its registration with the registration access token (RFC 7592); refusals carry the
 * RFC codes. Names are unique, so it can run against a shared server.
 */
export async function checkDynamicRegistration(baseUrl: string, admin: GrantlineTestClient): Promise<void> {
  const json = (method: string, url: string, token?: string, body?: unknown) =>
    fetch(url, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
  const register = (body: unknown, token: string | null = INITIAL_ACCESS_TOKEN) =>
    json('POST', `${baseUrl}/oauth/register`, token ?? undefined, body);

  const metadata = await (await fetch(`${baseUrl}/.well-known/oauth-authorization-server`)).json();
  expect(metadata).toMatchObject({ registration_endpoint: `${baseUrl}/oauth/register` });

  // Refusals: no initial access token, a web app's loopback redirect, a scope not on offer.
  const job = { client_name: `job ${randomUUID()}`, grant_types: ['client_credentials'], scope: 'read' };
  const anonymous = await register(job, null);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
  const loopbackWeb = await register({ redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none' });
  expect(loopbackWeb.status).toBe(400);
  expect(await loopbackWeb.json()).toMatchObject({ error: 'invalid_redirect_uri' });
  const adminScope = await register({ ...job, scope: 'admin' });
  expect(await adminScope.json()).toMatchObject({ error: 'invalid_client_metadata' });

  // A confidential client: its credentials work at once, on whichever replica answers.
  const created = await register(job);
  expect(created.status).toBe(201);
  const client = (await created.json()) as ClientInformation;
  expect(client).toMatchObject({ token_endpoint_auth_method: 'client_secret_basic', client_secret_expires_at: 0 });
  const issued = await tokenRequest(
    baseUrl,
    { grant_type: 'client_credentials' },
    {
      authorization: basic(client.client_id, client.client_secret ?? ''),
    },
  );
  expect(issued.status).toBe(200);
  expect(
    await admin.introspect(String(issued.body.access_token), client.client_id, client.client_secret ?? ''),
  ).toMatchObject({
    active: true,
    client_id: client.client_id,
  });

  // The operator sees it as a client that registered itself.
  const shown = await admin.admin('GET', `/admin/clients/${encodeURIComponent(client.client_id)}`);
  expect(await shown.json()).toMatchObject({
    registration: { application_type: 'web', token_endpoint_auth_method: 'client_secret_basic' },
  });

  // Read, replace (a new registration access token), delete.
  const read = await json('GET', client.registration_client_uri, client.registration_access_token);
  expect(read.status).toBe(200);
  expect(await read.json()).toMatchObject({ client_id: client.client_id, client_name: job.client_name });
  expect((await json('GET', client.registration_client_uri, 'not-the-token')).status).toBe(401);
  const replaced = await json('PUT', client.registration_client_uri, client.registration_access_token, {
    ...job,
    client_id: client.client_id,
    client_name: `${job.client_name} (renamed)`,
  });
  expect(replaced.status).toBe(200);
  const renamed = (await replaced.json()) as ClientInformation;
  expect(renamed.client_name).toBe(`${job.client_name} (renamed)`);
  expect((await json('GET', client.registration_client_uri, client.registration_access_token)).status).toBe(401);
  const deleted = await json('DELETE', client.registration_client_uri, renamed.registration_access_token);
  expect(deleted.status).toBe(204);
  const afterDelete = await tokenRequest(
    baseUrl,
    { grant_type: 'client_credentials' },
    {
      authorization: basic(client.client_id, client.client_secret ?? ''),
    },
  );
  expect(afterDelete.status).toBe(401);
  expect((await json('GET', client.registration_client_uri, renamed.registration_access_token)).status).toBe(401);
}

/**
 * A native app registers itself with a loopback redirect (RFC 8252 §7.3) and signs a person in
 * with the code flow, then refreshes.
 */
export async function checkNativeAppRegistration(baseUrl: string, admin: GrantlineTestClient): Promise<void> {
  const person = { email: `native-${randomUUID()}@example.test`, name: 'Native', password: 'correct horse battery' };
  await admin.registerUser(person);
  const created = await fetch(`${baseUrl}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${INITIAL_ACCESS_TOKEN}` },
    body: JSON.stringify({
      client_name: 'Native app',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: ['http://127.0.0.1/callback', 'com.example.native:/callback'],
      scope: 'read',
    }),
  });
  expect(created.status).toBe(201);
  const app = (await created.json()) as ClientInformation;
  expect(app).not.toHaveProperty('client_secret');
  const tokens = await obtainTokens(new FormBrowser(baseUrl), {
    ...person,
    clientId: app.client_id,
    redirectUri: 'http://127.0.0.1:53121/callback',
    scope: 'read',
  });
  expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'read' });
  const refreshed = await refresh(baseUrl, app.client_id, tokens.refresh_token ?? '');
  expect(refreshed.status).toBe(200);
}
