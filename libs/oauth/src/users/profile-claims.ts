import type { UserProfile } from '@grantline/lib-events';

/**
 * The one map between OpenID Connect Core §5.1 claim names, as the admin API, the CLI and tokens
 * spell them, and the fields of a stored profile.
 */
export const PROFILE_CLAIM_FIELDS = {
  given_name: 'givenName',
  family_name: 'familyName',
  middle_name: 'middleName',
  nickname: 'nickname',
  preferred_username: 'preferredUsername',
  email_verified: 'emailVerified',
  locale: 'locale',
  zoneinfo: 'zoneinfo',
  picture: 'picture',
  website: 'website',
  profile: 'profileUrl',
  gender: 'gender',
  birthdate: 'birthdate',
} as const satisfies Record<string, keyof UserProfile>;

export type ProfileClaimName = keyof typeof PROFILE_CLAIM_FIELDS;

/** Every profile field is named by exactly one claim. */
type Unmapped = Exclude<keyof UserProfile, (typeof PROFILE_CLAIM_FIELDS)[ProfileClaimName]>;
const everyFieldMapped: [Unmapped] extends [never] ? true : Unmapped = true;
void everyFieldMapped;

export type ProfileClaims = { [C in ProfileClaimName]: UserProfile[(typeof PROFILE_CLAIM_FIELDS)[C]] };

export const PROFILE_CLAIM_NAMES = Object.keys(PROFILE_CLAIM_FIELDS) as ProfileClaimName[];

/** A stored profile by its claim names. */
export function profileAsClaims(profile: UserProfile): ProfileClaims {
  const claims: Record<string, unknown> = {};
  for (const claim of PROFILE_CLAIM_NAMES) claims[claim] = profile[PROFILE_CLAIM_FIELDS[claim]];
  return claims as ProfileClaims;
}
