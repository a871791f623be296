import type { GrantlineEvent, UserSnapshot } from '@grantline/lib-events';

/** The user as every service sees it. */
export type UserRecord = UserSnapshot;

/** User events carry the whole user, so the newest one is the state. */
export function userOf(event: GrantlineEvent): UserRecord | undefined {
  switch (event.type) {
    case 'UserRegistered':
    case 'UserPasswordChanged':
    case 'UserDisabled':
    case 'UserEnabled':
    case 'UserProfileChanged':
      return event.data.user;
    default:
      return undefined;
  }
}

/** Consent events give the consented scope set, or null once withdrawn. */
export function consentOf(event: GrantlineEvent): { key: string; scopes: string[] | null } | undefined {
  switch (event.type) {
    case 'ConsentGranted':
      return { key: event.aggregate.id, scopes: event.data.scopes };
    case 'ConsentWithdrawn':
      return { key: event.aggregate.id, scopes: null };
    default:
      return undefined;
  }
}

/**
 * Where the read model finds an address: `lookup` names the first account ever projected with it
 * (set once), `candidates` every account that has held it. Records carry the current address.
 */
export const userEmailKeys = {
  lookup: (email: string) => `user-email:${normaliseEmail(email)}`,
  candidates: (email: string) => `user-emails:${normaliseEmail(email)}`,
} as const;

/**
 * The account an address signs in: the first account projected with it while it still holds
 * it (two registrations that raced both hold it; the first one keeps it), otherwise the
 * account that holds it now (lowest id, should a race between replicas leave two). An account
 * that moved to another address no longer answers to the old one.
 */
export function emailOwner(
  email: string,
  first: UserRecord | null,
  candidates: readonly UserRecord[],
): UserRecord | null {
  const address = normaliseEmail(email);
  if (first?.email === address) return first;
  const holders = candidates.filter((user) => user.email === address);
  return holders.sort((a, b) => a.userId.localeCompare(b.userId))[0] ?? null;
}

/** Emails are compared case-insensitively. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
