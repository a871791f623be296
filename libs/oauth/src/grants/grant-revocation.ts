import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import { eventContext } from '../access-token-issuer';
import { epochSeconds, type Clock } from '../clock';
import type { OAuthRequest } from '../http-types';
import type { OAuthContext, OAuthSettings } from '../oauth-context';
import { WRITE_THROUGH } from '../recording/decision';
import { recordDecision } from '../recording/recorder';

export interface GrantToRevoke {
  grantId: string;
  clientId: string;
  /** The grant's absolute end: no refresh token of the grant outlives it. */
  expiresAt: number;
}

/**
 * How long a grant's revocation marker must live. Access tokens issued just before the grant's
 * end live a full lifetime past it, and a personal access token minted through the grant up to
 * the longest such lifetime (0016), so the marker must too.
 */
export function grantMarkerExpiry(
  context: { clock: Clock; settings: Pick<OAuthSettings, 'accessTokenTtlSeconds' | 'personalAccessTokens'> },
  grantExpiresAt: number,
): number {
  const now = epochSeconds(context.clock);
  const longest = Math.max(context.settings.accessTokenTtlSeconds, context.settings.personalAccessTokens.maxTtlSeconds);
  return Math.max(grantExpiresAt, now + longest);
}

/**
 * Revokes a whole grant: every access and refresh token issued from it. The event is durable
 * before the marker is written, and the marker is written before anyone is answered, so each
 * replica sees the grant revoked at once (the projector writes the same marker from the log).
 */
export async function revokeGrant(
  context: OAuthContext,
  request: OAuthRequest,
  grant: GrantToRevoke,
  cause:
    | { reason: 'code_reuse' | 'refresh_token_reuse'; artifactId: string }
    | { reason: 'refresh_token_revoked'; revokedBy: string | null }
    /** Its browser session had ended, unknown to the projection when the session's end ended its grants. */
    | { reason: 'session_ended' },
): Promise<void> {
  const expiresAt = grantMarkerExpiry(context, grant.expiresAt);
  const events: GrantlineEvent[] = [];
  const stamp = eventContext(context, request);
  const aggregate = { type: 'grant', id: grant.grantId } as const;
  const reuse = cause.reason === 'code_reuse' || cause.reason === 'refresh_token_reuse' ? cause : null;
  if (reuse) {
    const artifact = reuse.reason === 'code_reuse' ? 'authorization_code' : 'refresh_token';
    events.push(
      stampEvent(
        {
          type: 'ArtifactReuseDetected',
          aggregate,
          data: { grantId: grant.grantId, artifact, artifactId: reuse.artifactId, clientId: grant.clientId },
        },
        stamp,
      ),
    );
  }
  const revokedBy = cause.reason === 'refresh_token_revoked' ? cause.revokedBy : null;
  events.push(
    stampEvent(
      {
        type: 'GrantRevoked',
        aggregate,
        data: {
          grantId: grant.grantId,
          clientId: grant.clientId,
          reason: cause.reason,
          expiresAt,
          revokedBy,
        },
      },
      stamp,
    ),
  );
  await recordDecision(context, { events, readOwnWrite: WRITE_THROUGH });
  if (reuse) {
    context.metrics.artifactReuseDetected(reuse.reason === 'code_reuse' ? 'authorization_code' : 'refresh_token');
  }
}
