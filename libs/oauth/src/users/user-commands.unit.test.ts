import { parseEvent } from '@grantline/lib-events';
import { verifySecret } from '../client-secret';
import { OAuthError } from '../errors';
import { createUserSchema, setPasswordSchema } from './user-input';
import {
  changePassword,
  disableUser,
  enableUser,
  generateUserId,
  publicUserView,
  registerUser,
  withdrawConsent,
} from './user-commands';

const context = { now: () => new Date('2026-01-01T00:00:00Z') };
const password = 'correct horse battery';
const input = (overrides: Record<string, unknown> = {}) =>
  createUserSchema.parse({ email: 'Ada@Example.COM', name: 'Ada Lovelace', password, ...overrides });

describe('user input', () => {
  it('normalises the email to trimmed lower case', () => {
    expect(input({ email: '  Ada.Lovelace@Example.COM \n' }).email).toBe('ada.lovelace@example.com');
  });

  it('keeps the password exactly as given', () => {
    expect(input({ password: ' spaced out ' }).password).toBe(' spaced out ');
  });

  it.each([
    ['an invalid email', { email: 'not-an-email' }],
    ['an empty name', { name: '' }],
    ['a blank name', { name: '   ' }],
    ['a name over 200 characters', { name: 'x'.repeat(201) }],
    ['a password under 8 characters', { password: 'short' }],
    ['a password over 1024 characters', { password: 'p'.repeat(1025) }],
    ['an unknown field', { role: 'admin' }],
    ['a ready-made hash', { passwordHash: 'scrypt$…' }],
  ])('refuses %s', (_name, overrides) => {
    expect(() => input(overrides)).toThrow();
  });

  it('refuses a password change without a usable password, or with extra fields', () => {
    expect(setPasswordSchema.parse({ password })).toEqual({ password });
    expect(() => setPasswordSchema.parse({})).toThrow();
    expect(() => setPasswordSchema.parse({ password: 'short' })).toThrow();
    expect(() => setPasswordSchema.parse({ password, email: 'x@example.com' })).toThrow();
  });

  it('never repeats the password in a validation error', () => {
    const result = setPasswordSchema.safeParse({ password: 'p'.repeat(1025) });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).not.toContain('p'.repeat(1025));
  });
});

describe('user commands', () => {
  it('registers a user whose event carries only a verifiable hash of the password', async () => {
    const decision = await registerUser(input(), null, generateUserId, context);
    expect(decision.user).toMatchObject({
      userId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      disabled: false,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(decision.user.passwordHash).not.toBe(password);
    expect(JSON.stringify(decision.event)).not.toContain(password);
    expect(await verifySecret(password, decision.user.passwordHash)).toBe(true);
    expect(await verifySecret('wrong password', decision.user.passwordHash)).toBe(false);
    expect(parseEvent(JSON.parse(JSON.stringify(decision.event)))).toMatchObject({
      type: 'UserRegistered',
      aggregate: { type: 'user', id: decision.user.userId },
      data: { user: decision.user },
    });
  });

  it('salts each hash, so equal passwords hash differently', async () => {
    const first = await registerUser(input(), null, generateUserId, context);
    const second = await registerUser(input({ email: 'other@example.com' }), null, generateUserId, context);
    expect(first.user.passwordHash).not.toBe(second.user.passwordHash);
    expect(first.user.userId).not.toBe(second.user.userId);
  });

  it('refuses an email that is already taken', async () => {
    const first = await registerUser(input(), null, generateUserId, context);
    const duplicate = registerUser(input({ email: 'ADA@example.com' }), first.user, generateUserId, context);
    await expect(duplicate).rejects.toBeInstanceOf(OAuthError);
    await expect(duplicate).rejects.toMatchObject({ error: 'invalid_request', status: 409 });
  });

  it('changes the password so only the new one verifies', async () => {
    const registered = await registerUser(input(), null, generateUserId, context);
    const changed = await changePassword('a brand new password', registered.user, context);
    expect(parseEvent(changed.event).type).toBe('UserPasswordChanged');
    expect(changed.user).toEqual({ ...registered.user, passwordHash: changed.user.passwordHash });
    expect(JSON.stringify(changed.event)).not.toContain('a brand new password');
    expect(await verifySecret('a brand new password', changed.user.passwordHash)).toBe(true);
    expect(await verifySecret(password, changed.user.passwordHash)).toBe(false);
  });

  it('disables and enables a user, refusing to repeat either', async () => {
    const registered = await registerUser(input(), null, generateUserId, context);
    const disabled = disableUser(registered.user, context);
    expect(disabled.user.disabled).toBe(true);
    expect(parseEvent(disabled.event)).toMatchObject({ type: 'UserDisabled', data: { user: { disabled: true } } });
    expect(() => disableUser(disabled.user, context)).toThrow(expect.objectContaining({ status: 409 }));

    const enabled = enableUser(disabled.user, context);
    expect(enabled.user).toEqual(registered.user);
    expect(parseEvent(enabled.event)).toMatchObject({ type: 'UserEnabled', data: { user: { disabled: false } } });
    expect(() => enableUser(enabled.user, context)).toThrow(expect.objectContaining({ status: 409 }));
  });

  it('answers 404 for a user that does not exist', async () => {
    await expect(changePassword(password, null, context)).rejects.toMatchObject({ status: 404 });
    expect(() => disableUser(null, context)).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => enableUser(null, context)).toThrow(expect.objectContaining({ status: 404 }));
  });

  it('withdraws a recorded consent, and answers 404 when there is none', () => {
    const userId = generateUserId();
    const { event } = withdrawConsent(userId, 'web-app', ['openid', 'profile'], context);
    expect(parseEvent(event)).toMatchObject({
      type: 'ConsentWithdrawn',
      aggregate: { type: 'consent', id: `${userId}:web-app` },
      data: { userId, clientId: 'web-app' },
    });
    expect(() => withdrawConsent(userId, 'web-app', null, context)).toThrow(expect.objectContaining({ status: 404 }));
  });

  it('shows neither the password nor its hash in the public view', async () => {
    const { user } = await registerUser(input(), null, generateUserId, context);
    const view = publicUserView(user);
    expect(view).toEqual({
      user_id: user.userId,
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      disabled: false,
      created_at: '2026-01-01T00:00:00.000Z',
    });
    expect(JSON.stringify(view)).not.toContain(user.passwordHash);
    expect(JSON.stringify(view)).not.toContain(password);
  });
});
