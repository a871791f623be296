import { ulid } from 'ulid';
import {
  consentId,
  emptyProfile,
  stampEvent,
  type EventContext,
  type GrantlineEvent,
  type UserSnapshot,
} from '@grantline/lib-events';
import type { UserRecord } from '@grantline/lib-projections';
import { hashSecret } from '../client-secret';
import { commandRefused } from '../errors';
import { profileAsClaims, type ProfileClaims } from './profile-claims';
import { applyProfileInput, type CreateUserInput, type UpdateUserInput } from './user-input';

export interface UserDecision {
  event: GrantlineEvent;
  /** The user after the change. Carries the password hash: show it only through `publicUserView`. */
  user: UserSnapshot;
}

/** A new user id: a ULID, so ids sort by creation time. */
export function generateUserId(): string {
  return ulid();
}

/**
 * Registers a user. `existingWithEmail` is the account already holding the (normalised)
 * address, if any; an address belongs to one account only.
 */
export async function registerUser(
  input: CreateUserInput,
  existingWithEmail: UserRecord | null,
  newUserId: () => string,
  context: EventContext,
): Promise<UserDecision> {
  if (existingWithEmail) throw commandRefused(409, 'a user with this email already exists');
  const user: UserSnapshot = {
    userId: newUserId(),
    email: input.email,
    name: input.name,
    passwordHash: await hashSecret(input.password),
    disabled: false,
    createdAt: context.now().toISOString(),
    profile: applyProfileInput(emptyProfile(), input),
    updatedAt: null,
  };
  return { event: userEvent('UserRegistered', user, context), user };
}

/** A profile change that changes nothing records nothing: `event` is then null. */
export interface ProfileDecision {
  event: GrantlineEvent | null;
  user: UserSnapshot;
}

/**
 * Changes a user's name, email or OpenID Connect profile (`UserProfileChanged`, `updatedAt` now).
 * `existingWithEmail` is the account holding the new address, if any: an address belongs to one
 * account only (409). A new address is unverified unless the same change says it is verified.
 */
export function changeUserProfile(
  input: UpdateUserInput,
  existing: UserRecord | null,
  existingWithEmail: UserRecord | null,
  context: EventContext,
): ProfileDecision {
  const current = requireUser(existing);
  const email = input.email ?? current.email;
  const emailChanged = email !== current.email;
  if (emailChanged && existingWithEmail && existingWithEmail.userId !== current.userId) {
    throw commandRefused(409, 'a user with this email already exists');
  }
  const emailVerified = input.email_verified ?? (emailChanged ? false : current.profile.emailVerified);
  const changed: UserSnapshot = {
    ...current,
    email,
    name: input.name ?? current.name,
    profile: applyProfileInput(current.profile, { ...input, email_verified: emailVerified }),
  };
  if (sameUser(changed, current)) return { event: null, user: current };
  const user: UserSnapshot = { ...changed, updatedAt: context.now().toISOString() };
  return { event: userEvent('UserProfileChanged', user, context), user };
}

function sameUser(a: UserSnapshot, b: UserSnapshot): boolean {
  return (
    a.email === b.email &&
    a.name === b.name &&
    (Object.keys(a.profile) as Array<keyof UserSnapshot['profile']>).every((key) => a.profile[key] === b.profile[key])
  );
}

export async function changePassword(
  password: string,
  existing: UserRecord | null,
  context: EventContext,
): Promise<UserDecision> {
  const user: UserSnapshot = { ...requireUser(existing), passwordHash: await hashSecret(password) };
  return { event: userEvent('UserPasswordChanged', user, context), user };
}

/**
 * Disabling and enabling are refused (409) when the user is already in that state, so
 * every decision records exactly one event and a repeated command is visible to its caller.
 */
export function disableUser(existing: UserRecord | null, context: EventContext): UserDecision {
  const current = requireUser(existing);
  if (current.disabled) throw commandRefused(409, 'the user is already disabled');
  const user: UserSnapshot = { ...current, disabled: true };
  return { event: userEvent('UserDisabled', user, context), user };
}

export function enableUser(existing: UserRecord | null, context: EventContext): UserDecision {
  const current = requireUser(existing);
  if (!current.disabled) throw commandRefused(409, 'the user is not disabled');
  const user: UserSnapshot = { ...current, disabled: false };
  return { event: userEvent('UserEnabled', user, context), user };
}

/**
 * Forgets the scopes a user approved for a client, so the next authorization asks again, and
 * ends the grants the client holds for the user: every grant started up to and including this
 * second (a new consent in the same second must be given again).
 */
export function withdrawConsent(
  userId: string,
  clientId: string,
  existingScopes: readonly string[] | null,
  context: EventContext,
): { event: GrantlineEvent } {
  if (existingScopes === null) throw commandRefused(404, 'no consent recorded for this user and client');
  const event = stampEvent(
    {
      type: 'ConsentWithdrawn',
      aggregate: { type: 'consent', id: consentId(userId, clientId) },
      data: { userId, clientId, revokesGrantsBefore: Math.floor(context.now().getTime() / 1000) + 1 },
    },
    context,
  );
  return { event };
}

type UserEventType = 'UserRegistered' | 'UserPasswordChanged' | 'UserDisabled' | 'UserEnabled' | 'UserProfileChanged';

function userEvent(type: UserEventType, user: UserSnapshot, context: EventContext): GrantlineEvent {
  return stampEvent({ type, aggregate: { type: 'user', id: user.userId }, data: { user } }, context);
}

function requireUser(existing: UserRecord | null): UserRecord {
  if (!existing) throw commandRefused(404, 'no such user');
  return existing;
}

export interface PublicUserView extends ProfileClaims {
  user_id: string;
  email: string;
  name: string;
  disabled: boolean;
  created_at: string;
  /** When the name, email or profile last changed; null: never since creation. */
  updated_at: string | null;
}

/** The user as the admin API shows it, profile claims by their OpenID Connect names: never the password hash. */
export function publicUserView(user: UserSnapshot): PublicUserView {
  return {
    user_id: user.userId,
    email: user.email,
    name: user.name,
    ...profileAsClaims(user.profile),
    disabled: user.disabled,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}
