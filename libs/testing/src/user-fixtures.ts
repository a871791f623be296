import { emptyProfile, stampEvent, type GrantlineEvent, type UserSnapshot } from '@grantline/lib-events';
import { FIXTURE_TIME } from './client-fixtures';

/** A user as events carry it: enabled, with an empty profile, unless overridden. */
export function userSnapshot(overrides: Partial<UserSnapshot> & { userId: string; email: string }): UserSnapshot {
  return {
    name: 'Someone',
    passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
    disabled: false,
    createdAt: FIXTURE_TIME.toISOString(),
    profile: emptyProfile(),
    updatedAt: null,
    ...overrides,
  };
}

/** A user event carrying `user` whole, as every user event does. */
export function userEvent(
  type: 'UserRegistered' | 'UserProfileChanged',
  user: UserSnapshot,
  now: Date = FIXTURE_TIME,
): GrantlineEvent {
  return stampEvent({ type, aggregate: { type: 'user', id: user.userId }, data: { user } }, { now: () => now });
}
