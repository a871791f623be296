import { z } from 'zod';
import { envelopeFields } from './envelope';
import { sessionIdSchema } from './session-events';

const deviceAggregate = { ...envelopeFields, version: z.literal(1) };
const epochSeconds = z.number().int().nonnegative();

/**
 * RFC 8628 device authorization. A device authorization is named by the hash of its device
 * code (`deviceId`); its user code appears only as a keyed hash. Neither value enters the log.
 */
export const deviceAuthorizationRequestedSchema = z.object({
  ...deviceAggregate,
  type: z.literal('DeviceAuthorizationRequested'),
  data: z.object({
    deviceId: z.string().min(1),
    userCodeHash: z.string().min(1),
    clientId: z.string().min(1),
    scope: z.string(),
    /** The polling interval the device was told to keep, in seconds. */
    interval: z.number().int().positive(),
    expiresAt: epochSeconds,
    /** RFC 8707: the resources the device asked for; absent for the server's own audience. */
    resources: z.array(z.string().min(1)).min(1).optional(),
  }),
});

const decisionFields = {
  deviceId: z.string().min(1),
  clientId: z.string().min(1),
  userId: z.string().min(1),
  /** Kept so projections can drop the decision with the authorization. */
  expiresAt: epochSeconds,
};

export const deviceAuthorizationApprovedSchema = z.object({
  ...deviceAggregate,
  type: z.literal('DeviceAuthorizationApproved'),
  data: z.object({
    ...decisionFields,
    scope: z.string(),
    /** When the user signed in (epoch seconds). */
    authTime: epochSeconds,
    /** OpenID Connect: the browser session the approval was made in (ID tokens' `sid`); absent without one. */
    sessionId: sessionIdSchema.optional(),
    /** RFC 8176: how the person signed in for it (ID tokens' `amr`); absent in approvals recorded before. */
    amr: z.array(z.string().min(1)).min(1).optional(),
  }),
});

export const deviceAuthorizationDeniedSchema = z.object({
  ...deviceAggregate,
  type: z.literal('DeviceAuthorizationDenied'),
  data: z.object(decisionFields),
});

/** The device code was exchanged for tokens; the grant it started is named. */
export const deviceCodeRedeemedSchema = z.object({
  ...deviceAggregate,
  type: z.literal('DeviceCodeRedeemed'),
  data: z.object({
    deviceId: z.string().min(1),
    grantId: z.string().min(1),
    clientId: z.string().min(1),
    userId: z.string().min(1),
    expiresAt: epochSeconds,
  }),
});

/** A user code typed on the verification page matched no live authorization (brute-force visibility). */
export const userCodeRejectedSchema = z.object({
  ...deviceAggregate,
  type: z.literal('UserCodeRejected'),
  data: z.object({
    remoteAddress: z.string(),
    reason: z.enum(['unknown_or_expired', 'rate_limited']),
  }),
});
