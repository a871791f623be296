import { z } from 'zod';
import { envelopeFields } from './envelope';

const sessionAggregate = { ...envelopeFields, version: z.literal(1) };
const epochSeconds = z.number().int().nonnegative();

/** A session id: what `sid` carries in ID tokens and logout tokens (OpenID Connect Front/Back-Channel Logout). */
export const sessionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

/**
 * How the person proved who they are (RFC 8176 values), and at which level (`acr`): what ID tokens
 * issued in the session report as `amr` and `acr`.
 */
export const authenticationFactsSchema = z.object({
  /** Epoch seconds of the authentication; ID tokens' `auth_time`. */
  authTime: epochSeconds,
  amr: z.array(z.string().min(1)).min(1),
  acr: z.string().min(1).optional(),
});
export type AuthenticationFacts = z.infer<typeof authenticationFactsSchema>;

/**
 * A browser sign-in started a session. It lasts until `expiresAt` unless it ends sooner (logout,
 * an operator, the account disabled or its password changed); ID tokens issued in it carry its id.
 */
export const sessionStartedSchema = z.object({
  ...sessionAggregate,
  type: z.literal('SessionStarted'),
  data: z.object({
    sessionId: sessionIdSchema,
    userId: z.string().min(1),
    ...authenticationFactsSchema.shape,
    /** The client whose authorization request led to the sign-in. */
    clientId: z.string().min(1),
    /** The caller's address as the edge saw it. */
    remoteAddress: z.string(),
    expiresAt: epochSeconds,
  }),
});

export const sessionEndReasons = ['logout', 'operator', 'user', 'signed_in_again'] as const;

/** A session ended before its time. Every browser holding it is signed out; its grants may end too. */
export const sessionEndedSchema = z.object({
  ...sessionAggregate,
  type: z.literal('SessionEnded'),
  data: z.object({
    sessionId: sessionIdSchema,
    userId: z.string().min(1),
    reason: z.enum(sessionEndReasons),
    /** The relying party that asked (RP-initiated logout), or the operator's identity; null when neither. */
    endedBy: z.string().nullable(),
    /** The session's own end, kept so projections can drop the marker once the session could not hold anyway. */
    expiresAt: epochSeconds,
    /**
     * The clients that were given codes in the session, as known when it ended: the ones told
     * of the logout (OpenID Connect Back-Channel Logout). Absent means none were known.
     */
    clientIds: z.array(z.string().min(1)).optional(),
  }),
});

const backchannelFields = {
  sessionId: sessionIdSchema,
  clientId: z.string().min(1),
  /** How many times the logout token was sent. */
  attempts: z.number().int().positive(),
};

/** A client's back-channel logout URI acknowledged the logout of a session (a 2xx answer). */
export const backchannelLogoutDeliveredSchema = z.object({
  ...sessionAggregate,
  type: z.literal('BackchannelLogoutDelivered'),
  data: z.object({ ...backchannelFields, status: z.number().int() }),
});

/**
 * A client's back-channel logout URI was not reached, or never answered 2xx, after every
 * attempt: the client may still hold the session. Never carries the token.
 */
export const backchannelLogoutFailedSchema = z.object({
  ...sessionAggregate,
  type: z.literal('BackchannelLogoutFailed'),
  data: z.object({
    ...backchannelFields,
    /** The last answer's status, or null when none came. */
    status: z.number().int().nullable(),
    /** Why the last attempt failed, in a few words (no token, no response body). */
    reason: z.string().max(200),
  }),
});
