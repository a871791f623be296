import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import type { ClientRecord } from '@grantline/lib-projections';
import { eventContext } from '../access-token-issuer';
import { epochSeconds } from '../clock';
import type { OAuthRequest } from '../http-types';
import type { OAuthContext } from '../oauth-context';
import type { RefreshPayload } from './sealed-grants';

export interface IssuedRefreshToken {
  token: string;
  event: GrantlineEvent;
}

type GrantOfRefresh = Omit<RefreshPayload, 'rid' | 'exp'>;

/**
 * Decides the next refresh token of a grant: it expires after the client's idle lifetime, and
 * never after the grant's absolute end. `previousId` makes it a rotation.
 */
export async function decideRefreshToken(
  context: OAuthContext,
  request: OAuthRequest,
  client: ClientRecord,
  grant: GrantOfRefresh,
  rotation?: { previousId: string; withinGracePeriod: boolean },
): Promise<IssuedRefreshToken> {
  const now = epochSeconds(context.clock);
  const expiresAt = Math.min(now + client.refreshTokens.idleTtl, grant.gexp);
  const refreshId = context.ids.tokenId();
  const token = await context.artifacts.seal('refresh-token', { ...grant, rid: refreshId }, expiresAt);
  const data = {
    grantId: grant.gid,
    refreshId,
    clientId: grant.client_id,
    userId: grant.sub,
    scope: grant.scope,
    expiresAt,
    grantExpiresAt: grant.gexp,
    ...(grant.jkt === undefined ? {} : { jkt: grant.jkt }),
  };
  const event = stampEvent(
    rotation
      ? { type: 'RefreshTokenRotated', aggregate: { type: 'grant', id: grant.gid }, data: { ...data, ...rotation } }
      : { type: 'RefreshTokenIssued', aggregate: { type: 'grant', id: grant.gid }, data },
    eventContext(context, request),
  );
  return { token, event };
}
