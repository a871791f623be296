import type { OAuthEndpoint } from '@grantline/lib-http';
import { introspectionEndpoint, type OAuthContext } from '@grantline/lib-oauth';

/** POST /oauth/introspect: read-only, the hot path for API gateways. */
export function introspectionEndpoints(context: OAuthContext): OAuthEndpoint[] {
  return [
    { path: '/oauth/introspect', name: 'introspect', handle: (request) => introspectionEndpoint(context, request) },
  ];
}
