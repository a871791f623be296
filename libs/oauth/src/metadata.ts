import { DPOP_ALGORITHMS } from './dpop/dpop-errors';
import { supportedGrantTypes } from './grants/registry';

/** RFC 8414 server metadata for what is implemented today. */
export function serverMetadata(issuer: string, scopes: readonly string[] = []): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    device_authorization_endpoint: `${issuer}/oauth/device/code`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    grant_types_supported: supportedGrantTypes(),
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    scopes_supported: scopes,
    prompt_values_supported: ['none', 'login', 'consent'],
    userinfo_endpoint: `${issuer}/api/user`,
    code_challenge_methods_supported: ['S256'],
    dpop_signing_alg_values_supported: [...DPOP_ALGORITHMS],
    authorization_response_iss_parameter_supported: true,
  };
}
