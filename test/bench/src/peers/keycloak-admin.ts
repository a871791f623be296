import { z } from 'zod';

const tokenResponse = z.object({ access_token: z.string() });

export const REALM = 'peers-bench';

/** An admin access token of the master realm, for the bootstrap admin user. */
export async function adminAccessToken(origin: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${origin}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username, password }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`Keycloak admin sign-in: ${response.status} ${text}`);
  return tokenResponse.parse(JSON.parse(text)).access_token;
}

async function create(origin: string, token: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${origin}/admin/realms${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  if (response.status !== 201)
    throw new Error(`POST /admin/realms${path}: ${response.status} ${await response.text()}`);
}

/**
 * A realm whose access tokens live an hour, a client scope `read`, and a confidential client
 * with a service account that may ask for it. Keycloak only introspects a token for a client in
 * its audience, so the client puts itself there with an audience mapper.
 */
export async function createRealmAndClient(
  origin: string,
  token: string,
  clientId: string,
  clientSecret: string,
): Promise<void> {
  await create(origin, token, '', { realm: REALM, enabled: true, accessTokenLifespan: 3600 });
  await create(origin, token, `/${REALM}/client-scopes`, {
    name: 'read',
    protocol: 'openid-connect',
    attributes: { 'include.in.token.scope': 'true' },
  });
  await create(origin, token, `/${REALM}/clients`, {
    clientId,
    secret: clientSecret,
    publicClient: false,
    clientAuthenticatorType: 'client-secret',
    serviceAccountsEnabled: true,
    standardFlowEnabled: false,
    directAccessGrantsEnabled: false,
    optionalClientScopes: ['read'],
    protocolMappers: [
      {
        name: 'self-audience',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-audience-mapper',
        config: {
          'included.client.audience': clientId,
          'access.token.claim': 'true',
          'introspection.token.claim': 'true',
        },
      },
    ],
  });
}
