import { jsonResponse, type OAuthRequest, type OAuthResponse } from './http-types';
import type { OAuthContext } from './oauth-context';
import { resourceCaller } from './resource-request';

/** GET /api/user: the user behind a live access token (see resource-request.ts). */
export async function userInfoEndpoint(context: OAuthContext, request: OAuthRequest): Promise<OAuthResponse> {
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
}
