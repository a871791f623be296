import type { UserRecord } from '@grantline/lib-projections';
import { profileAsClaims } from '../users/profile-claims';

/** OpenID Connect Core §5.4: the standard claims each scope asks for, among those Grantline holds. */
export const CLAIMS_BY_SCOPE = {
  profile: [
    'name',
    'given_name',
    'family_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
} as const satisfies Record<string, readonly string[]>;

type ScopeWithClaims = keyof typeof CLAIMS_BY_SCOPE;
export type UserClaimName = (typeof CLAIMS_BY_SCOPE)[ScopeWithClaims][number];

/** Every standard claim about a person Grantline can answer (discovery's `claims_supported` adds the token's own). */
export const USER_CLAIM_NAMES: readonly UserClaimName[] = Object.values(CLAIMS_BY_SCOPE).flat();

const isUserClaim = (name: string): name is UserClaimName => (USER_CLAIM_NAMES as readonly string[]).includes(name);

/**
 * The claims about a person a token may carry: those of its scopes (Core §5.4) and those asked
 * for one by one with the `claims` request parameter (Core §5.5), among the standard ones we hold.
 * A claim without a value is left out (Core §5.3.2), never sent as null.
 */
export function userClaims(
  user: UserRecord,
  scopes: readonly string[],
  requested: readonly string[] = [],
): Record<string, unknown> {
  const names = new Set<UserClaimName>();
  for (const scope of scopes) {
    if (scope in CLAIMS_BY_SCOPE) for (const name of CLAIMS_BY_SCOPE[scope as ScopeWithClaims]) names.add(name);
  }
  for (const name of requested) if (isUserClaim(name)) names.add(name);
  const values = claimValues(user);
  const claims: Record<string, unknown> = {};
  for (const name of USER_CLAIM_NAMES) {
    const value = values[name];
    if (names.has(name) && value !== null) claims[name] = value;
  }
  return claims;
}

/** The names of the individually requested claims (Core §5.5) Grantline can answer, in a stable order. */
export function requestedUserClaims(request: Readonly<Record<string, unknown>> | undefined): UserClaimName[] {
  if (request === undefined) return [];
  return USER_CLAIM_NAMES.filter((name) => Object.hasOwn(request, name));
}

function claimValues(user: UserRecord): Record<UserClaimName, string | number | boolean | null> {
  return {
    ...profileAsClaims(user.profile),
    name: user.name,
    // Core §5.1: seconds since the epoch of the last change to what the claims say.
    updated_at: Math.floor(Date.parse(user.updatedAt ?? user.createdAt) / 1000),
    email: user.email,
  };
}
