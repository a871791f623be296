import type { ClientSnapshot } from '@grantline/lib-events';
import { openIdMetadataView } from '../openid/client-openid-settings';

/** RFC 7592 §1: where a registered client reads, replaces and deletes its registration. */
export function registrationClientUri(issuer: string, clientId: string): string {
  return `${issuer}/oauth/register/${encodeURIComponent(clientId)}`;
}

/** The secrets shown in one answer only: when they were made. */
export interface ShownOnce {
  registrationAccessToken?: string;
  clientSecret?: string;
}

/**
 * The client information response (RFC 7591 §3.2.1, RFC 7592 §3): the registered metadata,
 * with the values the server chose. Stored secrets are hashes, so a read shows neither the
 * secret nor the registration access token; only the answer that made them does.
 */
export function clientInformation(
  issuer: string,
  client: ClientSnapshot,
  shown: ShownOnce = {},
): Record<string, unknown> {
  const registration = client.registration;
  const method = registration?.tokenEndpointAuthMethod ?? 'client_secret_basic';
  return {
    client_id: client.clientId,
    ...(shown.clientSecret === undefined ? {} : { client_secret: shown.clientSecret }),
    client_id_issued_at: Math.floor(Date.parse(client.createdAt) / 1000),
    // RFC 7591 §3.2.1: REQUIRED when a secret is issued; 0 says it does not expire.
    ...(client.secretHash === null ? {} : { client_secret_expires_at: 0 }),
    ...(shown.registrationAccessToken === undefined
      ? {}
      : { registration_access_token: shown.registrationAccessToken }),
    registration_client_uri: registrationClientUri(issuer, client.clientId),
    client_name: client.name,
    application_type: registration?.applicationType ?? 'web',
    redirect_uris: client.redirectUris,
    grant_types: client.grantTypes,
    response_types: client.grantTypes.includes('authorization_code') ? ['code'] : [],
    token_endpoint_auth_method: method,
    scope: client.scopes.join(' '),
    ...(client.jwks === null ? {} : { jwks: client.jwks }),
    ...(client.jwksUri === null ? {} : { jwks_uri: client.jwksUri }),
    ...(registration?.clientUri ? { client_uri: registration.clientUri } : {}),
    ...(registration?.logoUri ? { logo_uri: registration.logoUri } : {}),
    ...(registration?.softwareId ? { software_id: registration.softwareId } : {}),
    ...(registration?.softwareVersion ? { software_version: registration.softwareVersion } : {}),
    ...openIdMetadataView(client.openid, registration?.sectorIdentifierUri ?? null),
  };
}
