import type { GrantlineEvent } from '@grantline/lib-events';
import type { UserRecord } from '@grantline/lib-projections';
import { oauthFixture, type OAuthFixture } from '@grantline/lib-testing';
import type { OAuthRequest } from '../http-types';
import type { OAuthSettings } from '../oauth-context';
import { disableUser } from '../users/user-commands';
import { signIn, type SignInOutcome } from './sign-in';

const PASSWORD = 'correct horse battery';
const WRONG = 'incorrect donkey staple';
const EMAIL = 'ada@example.test';

const requestFrom = (remoteAddress: string): OAuthRequest => ({
  method: 'POST',
  headers: {},
  body: '',
  remoteAddress,
  requestId: 'sign-in-request',
});

describe('signIn', () => {
  let fixture: OAuthFixture;
  let user: UserRecord;
  let events: GrantlineEvent[];

  async function setUp(signInSettings?: OAuthSettings['signIn']): Promise<void> {
    fixture = await oauthFixture(signInSettings ? { signIn: signInSettings } : {});
    user = await fixture.registerUser({ email: EMAIL, name: 'Ada', password: PASSWORD });
    events = [];
  }

  async function attempt(email: string, password: string, address = '192.0.2.1'): Promise<SignInOutcome> {
    const outcome = await signIn(fixture.context, requestFrom(address), { email, password, clientId: 'app' });
    events.push(outcome.event);
    return outcome;
  }

  beforeEach(() => setUp());

  afterEach(() => {
    const recorded = JSON.stringify(events);
    expect(recorded).not.toContain(PASSWORD);
    expect(recorded).not.toContain(WRONG);
  });

  it('signs in with the right password, recording who and from where', async () => {
    const outcome = await attempt(EMAIL, PASSWORD);
    expect(outcome).toMatchObject({ ok: true, user: { userId: user.userId, email: EMAIL } });
    expect(outcome.event).toMatchObject({
      type: 'SignInSucceeded',
      aggregate: { type: 'sign-in', id: user.userId },
      data: { userId: user.userId, clientId: 'app', remoteAddress: '192.0.2.1' },
    });
  });

  it('finds the account whatever the case and surrounding spaces of the email', async () => {
    expect(await attempt('  ADA@Example.TEST ', PASSWORD)).toMatchObject({ ok: true });
  });

  it('does not trim or case-fold the password', async () => {
    expect(await attempt(EMAIL, ` ${PASSWORD}`)).toMatchObject({ ok: false, reason: 'invalid_credentials' });
    expect(await attempt(EMAIL, PASSWORD.toUpperCase())).toMatchObject({ ok: false, reason: 'invalid_credentials' });
  });

  it('answers a wrong password and an unknown account with the same reason and message', async () => {
    const wrong = await attempt(EMAIL, WRONG);
    const unknown = await attempt('nobody@example.test', PASSWORD);
    expect(wrong.ok).toBe(false);
    expect(unknown.ok).toBe(false);
    if (wrong.ok || unknown.ok) return;
    expect(wrong.reason).toBe('invalid_credentials');
    expect({ reason: unknown.reason, message: unknown.message }).toEqual({
      reason: wrong.reason,
      message: wrong.message,
    });
    expect(wrong.message).toBe('The email or password is not correct.');
    expect(wrong.event).toMatchObject({
      type: 'SignInFailed',
      data: { userId: user.userId, reason: 'wrong_password' },
    });
    expect(unknown.event).toMatchObject({
      type: 'SignInFailed',
      aggregate: { type: 'sign-in', id: 'unknown' },
      data: { userId: null, reason: 'unknown_account' },
    });
  });

  it('tells a disabled account it is disabled only after the right password', async () => {
    await fixture.log.append([disableUser(user, { now: () => fixture.clock.now() }).event]);
    const right = await attempt(EMAIL, PASSWORD);
    const wrong = await attempt(EMAIL, WRONG);
    expect(right).toMatchObject({ ok: false, reason: 'invalid_credentials', message: 'This account is disabled.' });
    expect(right.event).toMatchObject({ type: 'SignInFailed', data: { reason: 'account_disabled' } });
    expect(wrong).toMatchObject({ ok: false, message: 'The email or password is not correct.' });
  });

  describe('rate limiting (5 failures per account, 30 per address, 900 s window)', () => {
    it('refuses even the right password once an account reached its limit of failures', async () => {
      for (let i = 0; i < 5; i += 1) {
        expect(await attempt(EMAIL, WRONG, `198.51.100.${i}`)).toMatchObject({ reason: 'invalid_credentials' });
      }
      const limited = await attempt(EMAIL, PASSWORD, '203.0.113.9');
      expect(limited).toMatchObject({ ok: false, reason: 'rate_limited' });
      if (limited.ok) return;
      expect(limited.message).toBe('Too many sign-in attempts. Wait 15 minutes and try again.');
      expect(limited.event).toMatchObject({
        type: 'SignInFailed',
        data: { userId: user.userId, reason: 'rate_limited', remoteAddress: '203.0.113.9' },
      });
    });

    it('still accepts the right password after one failure fewer than the limit', async () => {
      for (let i = 0; i < 4; i += 1) await attempt(EMAIL, WRONG);
      expect(await attempt(EMAIL, PASSWORD)).toMatchObject({ ok: true });
    });

    it('counts only failures, never successes', async () => {
      for (let i = 0; i < 4; i += 1) await attempt(EMAIL, WRONG);
      for (let i = 0; i < 3; i += 1) expect(await attempt(EMAIL, PASSWORD)).toMatchObject({ ok: true });
      expect(await attempt(EMAIL, WRONG)).toMatchObject({ reason: 'invalid_credentials' });
      expect(await attempt(EMAIL, PASSWORD)).toMatchObject({ reason: 'rate_limited' });
    });

    it('limits an unknown account like a known one, without locking out the others', async () => {
      for (let i = 0; i < 5; i += 1) await attempt('nobody@example.test', WRONG);
      expect(await attempt('nobody@example.test', PASSWORD)).toMatchObject({ reason: 'rate_limited' });
      expect(await attempt(EMAIL, PASSWORD)).toMatchObject({ ok: true });
    });

    it('counts per normalised email, so changing its case does not help', async () => {
      for (let i = 0; i < 5; i += 1) await attempt(i % 2 === 0 ? EMAIL.toUpperCase() : ` ${EMAIL}`, WRONG);
      expect(await attempt(EMAIL, PASSWORD)).toMatchObject({ reason: 'rate_limited' });
    });

    it('lets the account sign in again once the window has passed', async () => {
      for (let i = 0; i < 5; i += 1) await attempt(EMAIL, WRONG);
      fixture.clock.advance(899);
      expect(await attempt(EMAIL, PASSWORD)).toMatchObject({ reason: 'rate_limited' });
      fixture.clock.advance(1);
      expect(await attempt(EMAIL, PASSWORD)).toMatchObject({ ok: true });
    });

    it('limits a caller address across accounts', async () => {
      await setUp({ limitPerAccount: 100, limitPerAddress: 3, windowSeconds: 60 });
      for (const email of ['a@example.test', 'b@example.test', 'c@example.test']) {
        await attempt(email, WRONG, '192.0.2.66');
      }
      const limited = await attempt(EMAIL, PASSWORD, '192.0.2.66');
      expect(limited).toMatchObject({ ok: false, reason: 'rate_limited' });
      if (!limited.ok) expect(limited.message).toMatch(/^Too many sign-in attempts\. Wait a minute and try again\.$/);
      expect(await attempt(EMAIL, PASSWORD, '192.0.2.67')).toMatchObject({ ok: true });
    });
  });
});
