import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import { normaliseEmail, type UserRecord } from '@grantline/lib-projections';
import { eventContext } from '../access-token-issuer';
import { hashSecret, verifySecret } from '../client-secret';
import type { OAuthRequest } from '../http-types';
import type { OAuthContext } from '../oauth-context';

export type SignInOutcome =
  | { ok: true; user: UserRecord; event: GrantlineEvent }
  | { ok: false; reason: 'invalid_credentials' | 'rate_limited'; message: string; event: GrantlineEvent };

/** Verified against when the account does not exist, so both paths take the same time. */
let decoyHash: Promise<string> | undefined;

/**
 * Checks an email and password. Failed attempts are counted per account and per caller address
 * (atomic Redis counters, fixed windows); at the limit, no password is checked until the window
 * ends. Concurrent attempts can pass the limit by at most their number. every outcome is an event, never with the password, and an unknown
 * account looks exactly like a wrong password.
 */
export async function signIn(
  context: OAuthContext,
  request: OAuthRequest,
  attempt: { email: string; password: string; clientId: string },
): Promise<SignInOutcome> {
  const email = normaliseEmail(attempt.email);
  const { limitPerAccount, limitPerAddress, windowSeconds } = context.settings.signIn;
  const accountKey = `sign-in:account:${email}`;
  const addressKey = `sign-in:address:${request.remoteAddress}`;
  const limited = await Promise.all([
    context.guards.isRateLimited(accountKey, limitPerAccount),
    context.guards.isRateLimited(addressKey, limitPerAddress),
  ]);
  const user = await context.store.findUserByEmail(email);
  const base = { clientId: attempt.clientId, remoteAddress: request.remoteAddress };
  const stamp = eventContext(context, request);
  const aggregate = { type: 'sign-in', id: user?.userId ?? 'unknown' } as const;
  const failed = (reason: 'unknown_account' | 'wrong_password' | 'account_disabled' | 'rate_limited'): GrantlineEvent =>
    stampEvent({ type: 'SignInFailed', aggregate, data: { ...base, userId: user?.userId ?? null, reason } }, stamp);
  if (limited.some(Boolean)) {
    return {
      ok: false,
      reason: 'rate_limited',
      message: `Too many sign-in attempts. Wait ${waitText(windowSeconds)} and try again.`,
      event: failed('rate_limited'),
    };
  }
  decoyHash ??= hashSecret('grantline-decoy-password');
  const matches = await verifySecret(attempt.password, user?.passwordHash ?? (await decoyHash));
  if (!user || !matches) {
    // Only failures count, so people who sign in often are never locked out by their own successes.
    await Promise.all([
      context.guards.consumeRateLimit(accountKey, limitPerAccount, windowSeconds),
      context.guards.consumeRateLimit(addressKey, limitPerAddress, windowSeconds),
    ]);
  }
  const invalid = {
    ok: false,
    reason: 'invalid_credentials',
    message: 'The email or password is not correct.',
  } as const;
  if (!user) return { ...invalid, event: failed('unknown_account') };
  if (!matches) return { ...invalid, event: failed('wrong_password') };
  // A disabled account only learns it is disabled once the password proved who is asking.
  if (user.disabled) {
    return { ...invalid, message: 'This account is disabled.', event: failed('account_disabled') };
  }
  return {
    ok: true,
    user,
    event: stampEvent({ type: 'SignInSucceeded', aggregate, data: { ...base, userId: user.userId } }, stamp),
  };
}

function waitText(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? 'a minute' : `${minutes} minutes`;
}
