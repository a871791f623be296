import { DEVICE_CODE_GRANT, stampEvent } from '@grantline/lib-events';
import { readDevice, type UserRecord } from '@grantline/lib-projections';
import { z } from 'zod';
import { decideAccessToken, eventContext } from '../access-token-issuer';
import { epochSeconds } from '../clock';
import { deviceIdOf } from '../device/device-codes';
import { invalidGrant, OAuthError } from '../errors';
import { checkLiveness } from '../token-liveness';
import type { DevicePollAnswer } from '@grantline/lib-telemetry';
import type { GrantHandler, GrantOutcome } from './grant-handler';
import { tokenResponse } from './token-response';
import { refreshBinding } from './dpop-binding';
import { decideRefreshToken } from './refresh-token-issuer';
import { releaseClaims } from '../recording/recorder';
import { narrowGrantedResources, resourceUris, scopesForResources } from '../resources/resource-indicators';
import { idTokenOfGrant, isOpenIdScope, refreshFacts } from '../openid/openid-grant';
import type { OpenIdGrant } from './sealed-grants';

const params = z.object({ device_code: z.string().min(1, 'device_code is required').max(512) });

const INVALID_DEVICE_CODE = 'The device code is invalid or was issued to another client';

/** RFC 8628 §3.5 answers: 400 with the error code, which the device acts on. */
const pollError = (error: 'authorization_pending' | 'slow_down' | 'expired_token' | 'access_denied', text: string) =>
  new OAuthError(error, text, 400);

/**
 * RFC 8628 §3.4, §3.5: a device polls with its device code. Every poll is timed against the
 * code's interval first (slow_down adds 5 s, held in Redis so every replica agrees); then the
 * person's decision is read. Approved codes are exchanged exactly once, by an atomic claim, even
 * when two polls race on two replicas; a claim whose events could not be recorded is released.
 */
export const deviceCodeGrant = {
  grantType: DEVICE_CODE_GRANT,
  params,
  allowsPublicClients: true,
  async handle(input) {
    try {
      const outcome = await answerPoll(input);
      input.context.metrics.devicePolled('issued');
      return outcome;
    } catch (error) {
      const answer = pollAnswerOf(error);
      if (answer) input.context.metrics.devicePolled(answer);
      throw error;
    }
  },
} satisfies GrantHandler<typeof params>;

const POLL_ANSWERS: ReadonlySet<string> = new Set<DevicePollAnswer>([
  'authorization_pending',
  'slow_down',
  'access_denied',
  'expired_token',
  'invalid_grant',
]);

/** The RFC 8628 answer an error gives a polling device, if it is one (failures of Redis or Kafka are not). */
function pollAnswerOf(error: unknown): DevicePollAnswer | undefined {
  return error instanceof OAuthError && POLL_ANSWERS.has(error.error) ? (error.error as DevicePollAnswer) : undefined;
}

async function answerPoll({
  context,
  request,
  client,
  params: input,
  resources: requestedResources,
  dpop,
}: Parameters<GrantHandler<typeof params>['handle']>[0]): Promise<GrantOutcome> {
  const deviceId = deviceIdOf(input.device_code);
  const device = await readDevice(context.store, deviceId);
  if (!device || device.request.clientId !== client.client.clientId) throw invalidGrant(INVALID_DEVICE_CODE);
  const { request: requested, decision } = device;
  if (epochSeconds(context.clock) >= requested.expiresAt) {
    throw pollError('expired_token', 'The device code has expired; start again');
  }
  const poll = await context.guards.recordDevicePoll(deviceId, requested.interval, requested.expiresAt);
  if (poll.tooSoon) {
    throw pollError('slow_down', `Poll at most every ${poll.intervalSeconds} seconds`);
  }
  if (device.redeemed) throw invalidGrant('The device code was already used');
  if (decision === null) throw pollError('authorization_pending', 'The user has not yet approved this device');
  if (decision.decision === 'denied') throw pollError('access_denied', 'The user denied the request');

  const approval = decision;
  // RFC 8707 §2.2: a token for some of the approved resources, never for others.
  const granted = requested.resources ?? [];
  const resources = await narrowGrantedResources(
    context.store,
    granted,
    requestedResources,
    context.settings.accessTokenAudience,
  );
  const { liveness } = await checkLiveness(context, {
    clientId: client.client.clientId,
    user: { userId: approval.userId, since: approval.approvedAt },
  });
  if (!liveness.live) throw invalidGrant('The approval of this device is no longer valid', liveness.reason);
  const { user } = liveness;
  if (!user) throw invalidGrant('The approval of this device is no longer valid', 'user_inactive');
  const claimKey = `device:${deviceId}`;
  if (!(await context.guards.claimOnce(claimKey, requested.expiresAt))) {
    throw invalidGrant('The device code was already used');
  }
  const release = { guards: context.guards, keys: [claimKey] };
  try {
    return await issue(user);
  } catch (error) {
    await releaseClaims(release);
    throw error;
  }

  async function issue(user: UserRecord) {
    const now = epochSeconds(context.clock);
    const grantId = context.ids.tokenId();
    const { userId, scope } = approval;
    // What an ID token says of the approval: the session it was made in, how the person signed in.
    const oidc: OpenIdGrant = {
      ...(approval.sessionId === undefined ? {} : { sid: approval.sessionId }),
      ...(approval.amr === undefined ? {} : { amr: approval.amr }),
    };
    const scopes = scopesForResources(scope === '' ? [] : scope.split(' '), resources);
    const access = await decideAccessToken(context, request, {
      clientId: client.client.clientId,
      subject: userId,
      scopes,
      resources: resourceUris(resources),
      grantType: DEVICE_CODE_GRANT,
      grantId,
      ...(dpop ? { jkt: dpop.jkt } : {}),
    });
    const gexp = now + client.client.refreshTokens.absoluteTtl;
    const refresh = client.client.grantTypes.includes('refresh_token')
      ? await decideRefreshToken(context, request, client.client, {
          gid: grantId,
          client_id: client.client.clientId,
          sub: userId,
          scope,
          auth_time: approval.authTime,
          gat: now,
          gexp,
          ...(granted.length === 0 ? {} : { res: granted }),
          ...(isOpenIdScope(scope.split(' ')) ? refreshFacts(oidc) : {}),
          ...refreshBinding(client, dpop),
        })
      : undefined;
    const idToken = await idTokenOfGrant(context, {
      client: client.client,
      user,
      grantScope: scope,
      scopes,
      authTime: approval.authTime,
      oidc,
      accessToken: access.token,
    });
    const redeemed = stampEvent(
      {
        type: 'DeviceCodeRedeemed',
        aggregate: { type: 'device', id: deviceId },
        data: { deviceId, grantId, clientId: client.client.clientId, userId, expiresAt: requested.expiresAt },
      },
      eventContext(context, request),
    );
    return {
      events: [redeemed, access.event, ...(refresh ? [refresh.event] : [])],
      body: tokenResponse(access, refresh, idToken),
      release,
    };
  }
}
