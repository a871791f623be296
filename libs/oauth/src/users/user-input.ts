import { z } from 'zod';
import { userProfileSchema, type UserProfile } from '@grantline/lib-events';
import { normaliseEmail } from '@grantline/lib-projections';
import { PROFILE_CLAIM_FIELDS, PROFILE_CLAIM_NAMES, type ProfileClaimName } from './profile-claims';

/** Compared and stored lower-cased and trimmed, exactly as the projection indexes it. */
const email = z.string().transform(normaliseEmail).pipe(z.email().max(254));

/** Kept verbatim: never trimmed or case-folded. */
const password = z.string().min(8).max(1024);

const name = z.string().trim().min(1).max(200);

/** A text claim: trimmed; null clears it; a blank string is refused rather than stored. */
const text = (max: number) => z.string().trim().min(1).max(max).nullable();

/**
 * Core §5.1 `birthdate`: `YYYY-MM-DD` (a real day; `0000` as the year when it is withheld) or a
 * year alone.
 */
const birthdate = z
  .string()
  .trim()
  .refine(isBirthdate, 'a date YYYY-MM-DD (0000-MM-DD to withhold the year) or a year YYYY');

function isBirthdate(value: string): boolean {
  const match = /^(\d{4})(?:-(\d{2})-(\d{2}))?$/.exec(value);
  if (!match) return false;
  if (match[2] === undefined) return match[1] !== '0000';
  // A withheld year is checked as a leap year, so 0000-02-29 is a birthday.
  const year = match[1] === '0000' ? 2000 : Number(match[1]);
  const day = new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3])));
  return (
    day.getUTCFullYear() === year && day.getUTCMonth() === Number(match[2]) - 1 && day.getUTCDate() === Number(match[3])
  );
}

/** An absolute http(s) address, as OpenID Connect Core §5.1 expects of `picture` and `website`. */
const webAddress = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .nullable();

/**
 * The OpenID Connect profile as the admin API and CLI spell it: the claim names of Core §5.1.
 * Every field is optional; one left out is kept as it is.
 */
export const profileInputFields = {
  given_name: text(200).optional(),
  family_name: text(200).optional(),
  middle_name: text(200).optional(),
  nickname: text(200).optional(),
  preferred_username: text(200).optional(),
  email_verified: z.boolean().optional(),
  /** BCP 47 language tag, e.g. `en-GB`. */
  locale: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, 'a BCP 47 language tag, e.g. en-GB')
    .max(35)
    .nullable()
    .optional(),
  /** IANA time zone name, e.g. `Europe/Paris`. */
  zoneinfo: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/, 'an IANA time zone name, e.g. Europe/Paris')
    .max(100)
    .nullable()
    .optional(),
  picture: webAddress.optional(),
  website: webAddress.optional(),
  /** Address of the person's profile page. */
  profile: webAddress.optional(),
  /** `female`, `male`, or another value (Core §5.1). */
  gender: text(100).optional(),
  birthdate: birthdate.nullable().optional(),
};

export type ProfileInput = z.infer<z.ZodObject<typeof profileInputFields>>;

/** Every profile claim has an input field, and every input field is a profile claim. */
const inputCoversProfile: [Exclude<ProfileClaimName, keyof typeof profileInputFields>] extends [never]
  ? [Exclude<keyof typeof profileInputFields, ProfileClaimName>] extends [never]
    ? true
    : false
  : false = true;
void inputCoversProfile;

/** Admin API and CLI input for creating a user account, with any profile fields. */
export const createUserSchema = z
  .object({
    email,
    name,
    password,
    ...profileInputFields,
  })
  .strict();
export type CreateUserInput = z.infer<typeof createUserSchema>;

/** Admin API and CLI input for changing a user's name, email or profile; at least one field. */
export const updateUserSchema = z
  .object({ email: email.optional(), name: name.optional(), ...profileInputFields })
  .strict()
  .refine((input) => Object.values(input).some((value) => value !== undefined), 'nothing to change');
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

export const setPasswordSchema = z.object({ password }).strict();
export type SetPasswordInput = z.infer<typeof setPasswordSchema>;

/** The profile after applying the fields given; fields left out keep their value. */
export function applyProfileInput(current: UserProfile, input: ProfileInput): UserProfile {
  const next: Record<string, unknown> = { ...current };
  for (const claim of PROFILE_CLAIM_NAMES) {
    const given = input[claim];
    if (given !== undefined) next[PROFILE_CLAIM_FIELDS[claim]] = given;
  }
  return userProfileSchema.parse(next);
}
