import { introspectionSigningAlgorithms } from '@grantline/lib-tokens';
import { CLIENT_ASSERTION_ALGORITHMS } from './clients/client-assertion';
import { DPOP_ALGORITHMS } from './error-challenge';
import { supportedGrantTypes } from './grants/registry';
import { PROMPTS } from './authorize/openid-request';
import { RESPONSE_MODES } from './authorize/response-mode';
import type { OAuthResponse } from './http-types';
import type { OAuthContext } from './oauth-context';
import { offeredScopes } from './personal-access-tokens/pat-decisions';
import { openIdProviderMetadata, withOpenIdScopes } from './openid/provider-metadata';

/** RFC 8414 server metadata for what is implemented today. */
export function serverMetadata(
  issuer: string,
  scopes: readonly string[] = [],
  introspectionSigningAlgorithms: readonly string[] = ['ES256'],
  requirePushed = false,
  registrationOffered = false,
): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    device_authorization_endpoint: `${issuer}/oauth/device/code`,
    pushed_authorization_request_endpoint: `${issuer}/oauth/par`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    grant_types_supported: supportedGrantTypes(),
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
    // RFC 9701 §6: answers to `Accept: application/token-introspection+jwt` are signed with these.
    introspection_signing_alg_values_supported: [...introspectionSigningAlgorithms],
    revocation_endpoint_auth_methods_supported: [
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
      'none',
    ],
    revocation_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
    response_types_supported: ['code'],
    // OAuth 2.0 Form Post Response Mode, for OpenID Connect clients that ask for it.
    response_modes_supported: [...RESPONSE_MODES],
    scopes_supported: withOpenIdScopes(scopes),
    // OpenID Connect Core §3.1.2.1; RFC 8414 §2 took the member from OpenID Connect Discovery.
    prompt_values_supported: [...PROMPTS],
    userinfo_endpoint: `${issuer}/userinfo`,
    code_challenge_methods_supported: ['S256'],
    dpop_signing_alg_values_supported: [...DPOP_ALGORITHMS],
    authorization_response_iss_parameter_supported: true,
    // RFC 9126 §5: whether every client must push; a client may be required to on its own (§6).
    require_pushed_authorization_requests: requirePushed,
    // draft-ietf-oauth-client-id-metadata-document §6; the endpoint says whether it is on.
    client_id_metadata_document_supported: false,
    // RFC 8414 §2: only when the operator offers dynamic registration (RFC 7591).
    ...(registrationOffered ? { registration_endpoint: `${issuer}/oauth/register` } : {}),
  };
}

/** The two discovery documents: RFC 8414's, and OpenID Connect Discovery 1.0's. */
export type MetadataDocument = 'oauth-authorization-server' | 'openid-configuration';

/**
 * GET /.well-known/oauth-authorization-server (RFC 8414 §3) and
 * /.well-known/openid-configuration (OpenID Connect Discovery §4), from one function so the two
 * never disagree: the OpenID document is the RFC 8414 one with the OpenID Provider's members
 * added. The scopes on offer are the ones registered clients may ask for, so it reads the
 * projection: while that is rebuilt or its store is down, the failure is thrown for the one
 * mapping to answer 503.
 */
export async function metadataEndpoint(
  context: Pick<OAuthContext, 'store' | 'settings' | 'keys'>,
  document: MetadataDocument = 'oauth-authorization-server',
): Promise<OAuthResponse> {
  const { settings, keys } = context;
  const scopes = offeredScopes(await context.store.listClients());
  return {
    status: 200,
    headers: { 'Cache-Control': 'public, max-age=60' },
    body: {
      ...serverMetadata(
        settings.issuer,
        scopes,
        introspectionSigningAlgorithms(keys),
        settings.par.required,
        settings.registration.policy !== 'off',
      ),
      client_id_metadata_document_supported: settings.clientMetadataDocuments === true,
      ...(document === 'openid-configuration'
        ? openIdProviderMetadata(settings.issuer, keys, settings.openid.pairwiseSalt !== null)
        : {}),
    },
  };
}
