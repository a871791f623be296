import { jsonResponse, type OAuthRequest, type OAuthResponse } from './http-types';
import type { OAuthContext } from './oauth-context';
import { asProtectedResource } from './protected-resource-metadata';
import { resourceCaller } from './resource-request';

/** GET /api/user: the user behind a live access token (see resource-request.ts). */
export function userInfoEndpoint(context: OAuthContext, request: OAuthRequest): Promise<OAuthResponse> {
  return asProtectedResource(context, async () => {
    const { user, client } = await resourceCaller(context, request);
    return {
      ...jsonResponse(200, {
        id: user.userId,
        sub: user.userId,
        name: user.name,
        email: user.email,
        created_at: user.createdAt,
      }),
      allowedOrigins: client?.webOrigins ?? [],
    };
  });
}
