import { z } from 'zod';
import { envelopeFields } from './envelope';

/**
 * What OpenID Connect may tell a relying party about a person beyond their name and email
 * (OpenID Connect Core §5.1), as the operator set it. Every field is optional: a claim with no
 * value is left out of ID tokens and UserInfo answers.
 */
export const userProfileSchema = z
  .object({
    givenName: z.string().min(1).max(200).nullable().default(null),
    familyName: z.string().min(1).max(200).nullable().default(null),
    middleName: z.string().min(1).max(200).nullable().default(null),
    nickname: z.string().min(1).max(200).nullable().default(null),
    /** The short name a person goes by (Core §5.1 `preferred_username`); not unique, never a key. */
    preferredUsername: z.string().min(1).max(200).nullable().default(null),
    /** Whether the operator has verified that the email address is this person's. */
    emailVerified: z.boolean().default(false),
    /** BCP 47 language tag, e.g. `en-GB`. */
    locale: z.string().min(2).max(35).nullable().default(null),
    /** IANA time zone name, e.g. `Europe/Paris`. */
    zoneinfo: z.string().min(1).max(100).nullable().default(null),
    picture: z.string().url().nullable().default(null),
    website: z.string().url().nullable().default(null),
    /** Address of the person's profile page (Core §5.1 `profile`). */
    profileUrl: z.string().url().nullable().default(null),
    /** Core §5.1: `female`, `male` or another value the operator chose. */
    gender: z.string().min(1).max(100).nullable().default(null),
    /** Core §5.1: `YYYY-MM-DD`, `YYYY` alone, or `0000-MM-DD` when the year is withheld. */
    birthdate: z
      .string()
      .regex(/^\d{4}(-\d{2}-\d{2})?$/)
      .nullable()
      .default(null),
  })
  .strict();
export type UserProfile = z.infer<typeof userProfileSchema>;
/** A profile with nothing set. */
export const emptyProfile = (): UserProfile => userProfileSchema.parse({});

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
    /** Absent in events written before profiles existed: an empty profile. */
    profile: userProfileSchema.prefault({}),
    /** When the name, email or profile last changed (OpenID Connect `updated_at`); absent: never since creation. */
    updatedAt: z.string().datetime().nullable().default(null),
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
/** The user's name, email or OpenID Connect profile changed; `updatedAt` says when. */
export const userProfileChangedSchema = z.object({
  ...userAggregate,
  type: z.literal('UserProfileChanged'),
  data: userData,
});

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
