import { parseEvent } from '@grantline/lib-events';
import { verifySecret } from '../client-secret';
import { OAuthError } from '../errors';
import { createUserSchema, setPasswordSchema, updateUserSchema } from './user-input';
import {
  changePassword,
  changeUserProfile,
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
      given_name: null,
      family_name: null,
      middle_name: null,
      nickname: null,
      preferred_username: null,
      email_verified: false,
      locale: null,
      zoneinfo: null,
      picture: null,
      website: null,
      profile: null,
      gender: null,
      birthdate: null,
      disabled: false,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: null,
    });
    expect(JSON.stringify(view)).not.toContain(user.passwordHash);
    expect(JSON.stringify(view)).not.toContain(password);
  });
});

describe('profile input', () => {
  const update = (body: Record<string, unknown>) => updateUserSchema.safeParse(body);

  it('takes the OpenID Connect claim names, trims text and lower-cases the email', () => {
    expect(
      updateUserSchema.parse({
        email: ' Ada@Example.com ',
        given_name: ' Ada ',
        family_name: 'Lovelace',
        preferred_username: 'ada',
        email_verified: true,
        locale: 'en-GB',
        zoneinfo: 'Europe/London',
        picture: 'https://pictures.example/ada.png',
        website: 'http://ada.example/',
      }),
    ).toMatchObject({ email: 'ada@example.com', given_name: 'Ada', locale: 'en-GB', email_verified: true });
  });

  it.each(['1815-12-10', '1815', '0000-12-10', '0000-02-29', '2024-02-29'])('accepts the birthdate %s', (birthdate) => {
    expect(updateUserSchema.parse({ birthdate })).toEqual({ birthdate });
  });

  it('takes the rest of the Core §5.1 profile: middle name, nickname, profile page, gender', () => {
    expect(
      updateUserSchema.parse({
        middle_name: ' King ',
        nickname: 'Ada',
        profile: 'https://ada.example/about',
        gender: 'female',
      }),
    ).toEqual({ middle_name: 'King', nickname: 'Ada', profile: 'https://ada.example/about', gender: 'female' });
  });

  it('refuses a birthdate on a day that does not exist, like 1815-02-29', () => {
    expect(update({ birthdate: '1815-02-29' }).success).toBe(false);
  });

  it('takes null as "clear this field"', () => {
    expect(updateUserSchema.parse({ locale: null, picture: null })).toEqual({ locale: null, picture: null });
  });

  it.each([
    ['nothing to change', {}],
    ['an unknown field', { phone_number: '+44 20 7946 0000' }],
    ['the password', { password }],
    ['a blank given name', { given_name: '  ' }],
    ['a null name', { name: null }],
    ['a null email', { email: null }],
    ['a locale that is not a language tag', { locale: 'english please' }],
    ['a zone that is not an IANA name', { zoneinfo: 'UTC +2' }],
    ['a picture that is not http(s)', { picture: 'javascript:alert(1)' }],
    ['a relative website', { website: '/me' }],
    ['a profile page that is not http(s)', { profile: 'ftp://ada.example/' }],
    ['a blank gender', { gender: ' ' }],
    ['a birthdate in another format', { birthdate: '10/12/1815' }],
    ['a birthdate that is no day', { birthdate: '1815-02-30' }],
    ['a thirteenth month', { birthdate: '1815-13-01' }],
    ['the year 0000 alone', { birthdate: '0000' }],
    ['an email_verified that is not a boolean', { email_verified: 'yes' }],
  ])('refuses %s', (_name, body) => {
    expect(update(body).success).toBe(false);
  });

  it('accepts profile fields when a user is created', () => {
    expect(input({ given_name: 'Ada', email_verified: true })).toMatchObject({
      given_name: 'Ada',
      email_verified: true,
    });
  });
});

describe('changing a profile', () => {
  const later = { now: () => new Date('2026-02-01T00:00:00Z') };
  const registered = () =>
    registerUser(input({ given_name: 'Ada', email_verified: true }), null, generateUserId, context);

  it('records UserProfileChanged with the whole user and updatedAt now', async () => {
    const { user } = await registered();
    expect(user.profile).toMatchObject({ givenName: 'Ada', emailVerified: true });
    const decision = changeUserProfile(
      updateUserSchema.parse({ family_name: 'Lovelace', locale: 'en-GB', given_name: null }),
      user,
      null,
      later,
    );
    expect(decision.user).toEqual({
      ...user,
      profile: { ...user.profile, givenName: null, familyName: 'Lovelace', locale: 'en-GB' },
      updatedAt: '2026-02-01T00:00:00.000Z',
    });
    expect(parseEvent(JSON.parse(JSON.stringify(decision.event)))).toMatchObject({
      type: 'UserProfileChanged',
      aggregate: { type: 'user', id: user.userId },
      data: { user: decision.user },
    });
  });

  it('changes the email, which is then unverified unless the change says otherwise', async () => {
    const { user } = await registered();
    const moved = changeUserProfile(updateUserSchema.parse({ email: 'A.L@example.com' }), user, null, later);
    expect(moved.user).toMatchObject({ email: 'a.l@example.com', profile: { emailVerified: false } });
    const verified = changeUserProfile(
      updateUserSchema.parse({ email: 'a.l@example.com', email_verified: true }),
      user,
      null,
      later,
    );
    expect(verified.user.profile.emailVerified).toBe(true);
  });

  it('refuses an address another account holds (409), and allows its own', async () => {
    const { user } = await registered();
    const { user: other } = await registerUser(input({ email: 'grace@example.com' }), null, generateUserId, context);
    const taken = () => changeUserProfile(updateUserSchema.parse({ email: 'Grace@example.com' }), user, other, later);
    expect(taken).toThrow(expect.objectContaining({ status: 409 }));
    const own = changeUserProfile(updateUserSchema.parse({ email: user.email, name: 'A. L.' }), user, user, later);
    expect(own.user.name).toBe('A. L.');
  });

  it('records nothing when nothing changes', async () => {
    const { user } = await registered();
    const same = changeUserProfile(updateUserSchema.parse({ given_name: 'Ada', email: user.email }), user, user, later);
    expect(same).toEqual({ event: null, user });
  });

  it('answers 404 for a user that does not exist', () => {
    expect(() => changeUserProfile(updateUserSchema.parse({ name: 'x' }), null, null, later)).toThrow(
      expect.objectContaining({ status: 404 }),
    );
  });
});
