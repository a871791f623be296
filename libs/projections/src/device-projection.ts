import { z } from 'zod';
import type { EventOfType } from '@grantline/lib-events';
import type { OnceCollection } from './projection-records';
import type { MarkWriter } from './projection-writer';

/** A pending device authorization as the verification page and the poll read it. */
export const deviceRequestSchema = z.object({
  deviceId: z.string().min(1),
  clientId: z.string().min(1),
  scope: z.string(),
  interval: z.number().int().positive(),
  expiresAt: z.number().int(),
  /** RFC 8707: the resources asked for, shown on the approval page and granted on approval. */
  resources: z.array(z.string()).optional(),
});
export type DeviceRequest = z.infer<typeof deviceRequestSchema>;

export const deviceDecisionSchema = z.discriminatedUnion('decision', [
  z.object({
    decision: z.literal('approved'),
    userId: z.string().min(1),
    scope: z.string(),
    authTime: z.number().int(),
    /** When the person approved (epoch seconds); a consent withdrawal after it ends the grant. */
    approvedAt: z.number().int(),
    /** The browser session of the approval and how the person signed in: an ID token's `sid` and `amr`. */
    sessionId: z.string().optional(),
    amr: z.array(z.string()).optional(),
  }),
  z.object({ decision: z.literal('denied'), userId: z.string().min(1) }),
]);
export type DeviceDecision = z.infer<typeof deviceDecisionSchema>;

export interface DeviceState {
  request: DeviceRequest;
  decision: DeviceDecision | null;
  redeemed: boolean;
}

/**
 * Device records outlive their authorization by this much, so a device that polls late learns
 * `expired_token` (RFC 8628 §3.5) rather than `invalid_grant`. The user-code index does not:
 * an expired code is simply unknown on the verification page.
 */
export const DEVICE_RECORD_RETENTION_SECONDS = 60 * 60;

type DeviceEvent = EventOfType<
  'DeviceAuthorizationRequested' | 'DeviceAuthorizationApproved' | 'DeviceAuthorizationDenied' | 'DeviceCodeRedeemed'
>;

/**
 * The write-once records a device event implies (the marks of its projector entry). The
 * projector applies them from the log; the recorder writes the same ones through for the
 * events whose entry allows it, so the next request (the verification page, the next poll, on
 * any replica) sees them at once.
 */
export async function projectDeviceEvent(writer: Pick<MarkWriter, 'putOnce'>, event: DeviceEvent): Promise<void> {
  switch (event.type) {
    case 'DeviceAuthorizationRequested': {
      const { deviceId, userCodeHash, clientId, scope, interval, expiresAt, resources } = event.data;
      const request: DeviceRequest = {
        deviceId,
        clientId,
        scope,
        interval,
        expiresAt,
        ...(resources === undefined ? {} : { resources }),
      };
      await writer.putOnce('device', deviceId, request, expiresAt + DEVICE_RECORD_RETENTION_SECONDS);
      await writer.putOnce('device-user-code', userCodeHash, deviceId, expiresAt);
      return;
    }
    case 'DeviceAuthorizationApproved': {
      const { deviceId, userId, scope, authTime, expiresAt, sessionId, amr } = event.data;
      const approvedAt = Math.floor(Date.parse(event.occurredAt) / 1000);
      const decision: DeviceDecision = {
        decision: 'approved',
        userId,
        scope,
        authTime,
        approvedAt,
        ...(sessionId === undefined ? {} : { sessionId }),
        ...(amr === undefined ? {} : { amr }),
      };
      await writer.putOnce('device-decision', deviceId, decision, expiresAt);
      return;
    }
    case 'DeviceAuthorizationDenied': {
      const decision: DeviceDecision = { decision: 'denied', userId: event.data.userId };
      await writer.putOnce('device-decision', event.data.deviceId, decision, event.data.expiresAt);
      return;
    }
    case 'DeviceCodeRedeemed':
      await writer.putOnce(
        'device-redeemed',
        event.data.deviceId,
        { grantId: event.data.grantId },
        event.data.expiresAt,
      );
      return;
  }
}

/** The read of write-once records (ProjectionStore has it). */
export interface OnceReader {
  getOnce(collection: OnceCollection, id: string): Promise<unknown>;
}

/** Everything known about a device authorization, read in parallel; null when unknown or expired. */
export async function readDevice(store: OnceReader, deviceId: string): Promise<DeviceState | null> {
  const [request, decision, redeemed] = await Promise.all([
    store.getOnce('device', deviceId),
    store.getOnce('device-decision', deviceId),
    store.getOnce('device-redeemed', deviceId),
  ]);
  if (request === null) return null;
  return {
    request: deviceRequestSchema.parse(request),
    decision: decision === null ? null : deviceDecisionSchema.parse(decision),
    redeemed: redeemed !== null,
  };
}

/** The device id a user code names, if it is live. */
export async function deviceIdByUserCode(store: OnceReader, userCodeHash: string): Promise<string | null> {
  const id = await store.getOnce('device-user-code', userCodeHash);
  return typeof id === 'string' ? id : null;
}
