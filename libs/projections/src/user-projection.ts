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

/** Emails are compared case-insensitively. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
