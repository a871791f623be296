import { z } from 'zod';
import { envelopeFields } from './envelope';

/**
 * User events carry the whole user as it is after the change, like client events, so the
 * compacted users topic rebuilds every account from the newest event per user.
 */
export const userSnapshotSchema = z
  .object({
    /** A ULID. */
    userId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/),
    /** Lower-cased; unique among users. */
    email: z.string().email(),
    name: z.string().min(1),
    /** Memory-hard hash with a per-user salt. Never the password itself. */
    passwordHash: z.string().min(1),
    disabled: z.boolean(),
    createdAt: z.string().datetime(),
  })
  .strict();
export type UserSnapshot = z.infer<typeof userSnapshotSchema>;

const userAggregate = { ...envelopeFields, version: z.literal(1) };
const userData = z.object({ user: userSnapshotSchema });

export const userRegisteredSchema = z.object({
  ...userAggregate,
  type: z.literal('UserRegistered'),
  data: userData,
});
export const userPasswordChangedSchema = z.object({
  ...userAggregate,
  type: z.literal('UserPasswordChanged'),
  data: userData,
});
export const userDisabledSchema = z.object({ ...userAggregate, type: z.literal('UserDisabled'), data: userData });
export const userEnabledSchema = z.object({ ...userAggregate, type: z.literal('UserEnabled'), data: userData });

/** Remembered consent: the whole approved scope set for one user and client. */
export const consentGrantedSchema = z.object({
  ...userAggregate,
  type: z.literal('ConsentGranted'),
  data: z.object({
    userId: z.string().min(1),
    clientId: z.string().min(1),
    scopes: z.array(z.string()),
    /** RFC 8707: every resource approved for this client so far; absent when none was. */
    resources: z.array(z.string().min(1)).min(1).optional(),
    /**
     * The cut-off of the last withdrawal, carried forward: the users topic is compacted by
     * consent, so once this event is the last one kept, it alone must still end older grants.
     */
    revokesGrantsBefore: z.number().int().nonnegative().optional(),
  }),
});
export const consentWithdrawnSchema = z.object({
  ...userAggregate,
  type: z.literal('ConsentWithdrawn'),
  data: z.object({
    userId: z.string().min(1),
    clientId: z.string().min(1),
    /** Grants of this user and client started before this time (epoch seconds) end with the consent. */
    revokesGrantsBefore: z.number().int().nonnegative(),
  }),
});

/** The aggregate id of a user's consent for one client (the key on the compacted topic). */
export function consentId(userId: string, clientId: string): string {
  return `${userId}:${clientId}`;
}
