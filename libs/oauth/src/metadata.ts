import { introspectionSigningAlgorithms } from '@grantline/lib-tokens';
import { CLIENT_ASSERTION_ALGORITHMS } from './clients/client-assertion';
import { DPOP_ALGORITHMS } from './error-challenge';
import { supportedGrantTypes } from './grants/registry';
import { PROMPTS } from './authorize/openid-request';
import { RESPONSE_MODES } from './authorize/response-mode';
import type { OAuthResponse } from './http-types';
import type { OAuthContext } from './oauth-context';
import { offeredScopes } from './personal-access-tokens/pat-decisions';

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
    response_modes_supported: [...RESPONSE_MODES],
    scopes_supported: scopes,
    prompt_values_supported: [...PROMPTS],
    userinfo_endpoint: `${issuer}/api/user`,
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

/**
 * GET /.well-known/oauth-authorization-server (RFC 8414 §3). The scopes on offer are the ones
 * registered clients may ask for, so it reads the projection: while that is rebuilt or its store
 * is down, the failure is thrown for the one mapping to answer 503.
 */
export async function metadataEndpoint(
  context: Pick<OAuthContext, 'store' | 'settings' | 'keys'>,
): Promise<OAuthResponse> {
  const scopes = offeredScopes(await context.store.listClients());
  return {
    status: 200,
    headers: { 'Cache-Control': 'public, max-age=60' },
    body: {
      ...serverMetadata(
        context.settings.issuer,
        scopes,
        introspectionSigningAlgorithms(context.keys),
        context.settings.par.required,
        context.settings.registration.policy !== 'off',
      ),
      client_id_metadata_document_supported: context.settings.clientMetadataDocuments === true,
    },
  };
}
