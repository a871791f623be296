import type { OAuthEndpoint } from '@grantline/lib-runtime';
import {
  introspectionEndpoint,
  openIdUserInfoEndpoint,
  userInfoEndpoint,
  type OAuthContext,
} from '@grantline/lib-oauth';

/**
 * POST /oauth/introspect, the hot path for API gateways, GET /api/user, which browser apps call
 * cross-origin, and OpenID Connect's GET and POST /userinfo. All only read token state.
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
    {
      path: '/userinfo',
      name: 'userinfo',
      method: 'GET, POST',
      cors: true,
      handle: (request) => openIdUserInfoEndpoint(context, request),
    },
  ];
}
