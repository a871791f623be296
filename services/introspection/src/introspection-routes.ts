import type { OAuthEndpoint } from '@grantline/lib-runtime';
import { introspectionEndpoint, userInfoEndpoint, type OAuthContext } from '@grantline/lib-oauth';

/**
 * POST /oauth/introspect, the hot path for API gateways, and GET /api/user, which browser apps
 * call cross-origin. Both only read token state.
 */
export function introspectionEndpoints(context: OAuthContext): OAuthEndpoint[] {
  return [
    { path: '/oauth/introspect', name: 'introspect', handle: (request) => introspectionEndpoint(context, request) },
    {
      path: '/api/user',
      name: 'user',
      method: 'GET',
      cors: true,
      handle: (request) => userInfoEndpoint(context, request),
    },
  ];
}
