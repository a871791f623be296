import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import type { ClientRecord } from '@grantline/lib-projections';
import { eventContext } from '../access-token-issuer';
import { epochSeconds } from '../clock';
import type { OAuthRequest } from '../http-types';
import type { OAuthContext } from '../oauth-context';
import { rotatesRefreshTokens } from './refresh-rotation';
import type { RefreshPayload } from './sealed-grants';

export interface IssuedRefreshToken {
  token: string;
  event: GrantlineEvent;
}

type GrantOfRefresh = Omit<RefreshPayload, 'rid' | 'exp' | 'keep'>;

/**
 * Decides the next refresh token of a grant: it expires after the client's idle lifetime, and
 * never after the grant's absolute end. `previousId` makes it a rotation. A client that does not
 * rotate gets a token it keeps: no later use can slide an idle expiry, so it lasts until the
 * grant's absolute end.
 */
export async function decideRefreshToken(
  context: OAuthContext,
  request: OAuthRequest,
  client: ClientRecord,
  grant: GrantOfRefresh,
  rotation?: { previousId: string; withinGracePeriod: boolean },
): Promise<IssuedRefreshToken> {
  const now = epochSeconds(context.clock);
  const keep = !rotatesRefreshTokens(client);
  const expiresAt = keep ? grant.gexp : Math.min(now + client.refreshTokens.idleTtl, grant.gexp);
  const refreshId = context.ids.tokenId();
  const sealed = { ...grant, rid: refreshId, ...(keep ? { keep } : {}) };
  const token = await context.artifacts.seal('refresh-token', sealed, expiresAt);
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
