import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import {
  deviceIdByUserCode,
  readDevice,
  type ClientRecord,
  type DeviceState,
  type UserRecord,
} from '@grantline/lib-projections';
import { eventContext } from '../access-token-issuer';
import { epochSeconds } from '../clock';
import type { OAuthRequest } from '../http-types';
import type { OAuthContext } from '../oauth-context';
import { WRITE_THROUGH } from '../recording/decision';
import { recordDecision } from '../recording/recorder';
import { normaliseUserCode, userCodeHash } from './device-codes';

export type UserCodeLookup =
  | { kind: 'found'; device: DeviceState; client: ClientRecord }
  /** No live, undecided authorization has this code; the event records the miss. */
  | { kind: 'unknown'; event: GrantlineEvent }
  | { kind: 'rate_limited'; event: GrantlineEvent };

/**
 * Finds the pending device authorization a person's typed user code names (RFC 8628 §3.3).
 * Wrong codes are counted per browser and per caller address (RFC 8628 §5.1: the user code is
 * short, so guesses must be limited; docs/decisions/0014 has the arithmetic); at either limit
 * no code is looked up until the window ends. Right codes are not counted.
 */
export async function lookUpUserCode(
  context: OAuthContext,
  request: OAuthRequest,
  typed: string,
  browserId: string,
): Promise<UserCodeLookup> {
  const { userCodeLimitPerBrowser, userCodeLimitPerAddress, userCodeWindowSeconds } = context.settings.device;
  const browserKey = `user-code:browser:${browserId}`;
  const addressKey = `user-code:address:${request.remoteAddress}`;
  const rejected = (reason: 'unknown_or_expired' | 'rate_limited'): GrantlineEvent =>
    stampEvent(
      {
        type: 'UserCodeRejected',
        aggregate: { type: 'device', id: 'user-code' },
        data: { remoteAddress: request.remoteAddress, reason },
      },
      eventContext(context, request),
    );
  const limited = await Promise.all([
    context.guards.isRateLimited(browserKey, userCodeLimitPerBrowser),
    context.guards.isRateLimited(addressKey, userCodeLimitPerAddress),
  ]);
  if (limited.some(Boolean)) return { kind: 'rate_limited', event: rejected('rate_limited') };

  const found = await findPending(context, typed);
  if (found) return { kind: 'found', ...found };
  await Promise.all([
    context.guards.consumeRateLimit(browserKey, userCodeLimitPerBrowser, userCodeWindowSeconds),
    context.guards.consumeRateLimit(addressKey, userCodeLimitPerAddress, userCodeWindowSeconds),
  ]);
  return { kind: 'unknown', event: rejected('unknown_or_expired') };
}

async function findPending(
  context: OAuthContext,
  typed: string,
): Promise<{ device: DeviceState; client: ClientRecord } | null> {
  const code = normaliseUserCode(typed);
  if (code === null) return null;
  const deviceId = await deviceIdByUserCode(context.store, userCodeHash(context.keys, code));
  if (deviceId === null) return null;
  return pendingDevice(context, deviceId);
}

/** The device authorization if it is still waiting for a decision, with its client. */
export async function pendingDevice(
  context: OAuthContext,
  deviceId: string,
): Promise<{ device: DeviceState; client: ClientRecord } | null> {
  const device = await readDevice(context.store, deviceId);
  if (!device || device.decision !== null || device.redeemed) return null;
  if (device.request.expiresAt <= epochSeconds(context.clock)) return null;
  const client = await context.clients.find(device.request.clientId);
  return client ? { device, client } : null;
}

/**
 * Records a person's decision on a device authorization. The first decision wins, by an atomic
 * claim, so two browsers cannot both decide; the event is durable before the device can see it,
 * and written through so the device's next poll, on any replica, finds it.
 */
export async function recordDeviceDecision(
  context: OAuthContext,
  request: OAuthRequest,
  device: DeviceState,
  decision: {
    approve: boolean;
    user: UserRecord;
    authTime: number;
    /** The browser session the person decided in, for the ID token of an OpenID Connect grant. */
    session?: { sessionId?: string; amr: readonly string[] };
  },
): Promise<'recorded' | 'already_decided'> {
  const { deviceId, clientId, scope, expiresAt } = device.request;
  const claim = `device-decision:${deviceId}`;
  if (!(await context.guards.claimOnce(claim, expiresAt))) return 'already_decided';
  const common = { deviceId, clientId, userId: decision.user.userId, expiresAt };
  const event = stampEvent(
    decision.approve
      ? {
          type: 'DeviceAuthorizationApproved',
          aggregate: { type: 'device', id: deviceId },
          data: {
            ...common,
            scope,
            authTime: decision.authTime,
            ...(decision.session?.sessionId === undefined ? {} : { sessionId: decision.session.sessionId }),
            ...(decision.session === undefined ? {} : { amr: [...decision.session.amr] }),
          },
        }
      : { type: 'DeviceAuthorizationDenied', aggregate: { type: 'device', id: deviceId }, data: common },
    eventContext(context, request),
  );
  await recordDecision(context, {
    events: [event],
    release: { guards: context.guards, keys: [claim] },
    readOwnWrite: WRITE_THROUGH,
  });
  return 'recorded';
}
