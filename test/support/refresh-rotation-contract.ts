import { randomUUID } from 'node:crypto';
import { codeExchange, FormBrowser, authorize, refresh, tokenRequest } from '@grantline/lib-testing';
import type { GrantlineTestClient } from './oauth-test-client';

const REDIRECT = 'https://backend.example.test/oauth/callback';
const USES = 4;

/**
 * Refresh tokens by client type: a confidential client registered with refresh_token_rotation
 * false (FAPI 2.0) uses one refresh token again and again, each answer without a new one, from
 * whichever token replica; a public client cannot be registered so. Unique names: runs against a
 * shared server.
 */
export async function checkRefreshWithoutRotation(baseUrl: string, admin: GrantlineTestClient): Promise<void> {
  const person = { email: `fapi-${randomUUID()}@example.test`, name: 'Fay Api', password: 'correct horse battery' };
  await admin.registerUser(person);
  const registration = await admin.admin('POST', '/admin/clients', {
    name: 'FAPI backend',
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: 'read',
    redirect_uris: [REDIRECT],
    refresh_token_rotation: false,
  });
  expect(registration.status).toBe(201);
  const backend = (await registration.json()) as Record<string, unknown>;
  expect(backend.refresh_token_rotation).toBe(false);
  const credentials = { client_secret: String(backend.client_secret) };

  const refused = await admin.admin('POST', '/admin/clients', {
    name: 'public app that would keep its tokens',
    public: true,
    grant_types: ['authorization_code', 'refresh_token'],
    redirect_uris: [REDIRECT],
    refresh_token_rotation: false,
  });
  expect(refused.status).toBe(400);
  expect(await refused.text()).toContain('always rotates its refresh tokens');

  const client = { clientId: String(backend.client_id), redirectUri: REDIRECT };
  const result = await authorize(new FormBrowser(baseUrl), { ...person, ...client, scope: 'read' });
  const issued = await tokenRequest(baseUrl, codeExchange(result, client, credentials));
  expect(issued.status).toBe(200);
  const refreshToken = String(issued.body.refresh_token);

  // At once, so that both token replicas of the stack serve some: no claim, so none is refused.
  const answers = await Promise.all(
    Array.from({ length: USES }, () => refresh(baseUrl, client.clientId, refreshToken, credentials)),
  );
  const accessTokens = new Set<string>();
  for (const answer of answers) {
    expect({ status: answer.status, refreshToken: answer.body.refresh_token }).toEqual({
      status: 200,
      refreshToken: undefined,
    });
    accessTokens.add(String(answer.body.access_token));
  }
  expect(accessTokens.size).toBe(USES);
  const again = await refresh(baseUrl, client.clientId, refreshToken, credentials);
  expect(again.status).toBe(200);

  // Revoking the kept token ends the grant: the next refresh with it is refused.
  const revoked = await fetch(`${baseUrl}/oauth/revoke`, {
    method: 'POST',
    body: new URLSearchParams({ token: refreshToken, client_id: client.clientId, ...credentials }),
  });
  expect(revoked.status).toBe(200);
  const afterRevocation = await refresh(baseUrl, client.clientId, refreshToken, credentials);
  expect({ status: afterRevocation.status, error: afterRevocation.body.error }).toEqual({
    status: 400,
    error: 'invalid_grant',
  });
}
