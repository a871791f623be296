import { consentId, emptyProfile, stampEvent, type GrantlineEvent, type UserSnapshot } from '@grantline/lib-events';
import { clientRegistered, clientSnapshot, codeRedeemed, FIXTURE_TIME, refreshRotated } from '@grantline/lib-testing';
import { MemoryGuardStore } from './memory-guard-store';
import { MemoryProjectionStore } from './memory-projection-store';

const stamp = { now: () => FIXTURE_TIME };
const ADA = '01HZX0000000000000000000A1';
const ADA_TWIN = '01HZX0000000000000000000B2';

function userEvent(type: 'UserRegistered' | 'UserDisabled', user: Partial<UserSnapshot> & { userId: string }) {
  const snapshot: UserSnapshot = {
    email: 'ada@example.test',
    name: 'Ada',
    passwordHash: 'scrypt$16384$8$1$salt$hash',
    disabled: false,
    createdAt: FIXTURE_TIME.toISOString(),
    profile: emptyProfile(),
    updatedAt: null,
    ...user,
  };
  return stampEvent({ type, aggregate: { type: 'user', id: snapshot.userId }, data: { user: snapshot } }, stamp);
}

function consentGranted(userId: string, clientId: string, scopes: string[]): GrantlineEvent {
  return stampEvent(
    {
      type: 'ConsentGranted',
      aggregate: { type: 'consent', id: consentId(userId, clientId) },
      data: { userId, clientId, scopes },
    },
    stamp,
  );
}

function consentWithdrawn(userId: string, clientId: string): GrantlineEvent {
  return stampEvent(
    {
      type: 'ConsentWithdrawn',
      aggregate: { type: 'consent', id: consentId(userId, clientId) },
      data: { userId, clientId, revokesGrantsBefore: 0 },
    },
    stamp,
  );
}

describe('MemoryProjectionStore guards and lookups', () => {
  let seconds: number;
  let store: MemoryProjectionStore;
  let guards: MemoryGuardStore;
  let offset: number;
  const apply = (event: GrantlineEvent) => store.apply(event, { partition: 0, offset: String(offset++) });

  beforeEach(() => {
    seconds = 1_000;
    offset = 0;
    store = new MemoryProjectionStore({ nowSeconds: () => seconds });
    guards = new MemoryGuardStore({ nowSeconds: () => seconds });
  });

  describe('claimOnce', () => {
    it('is true for the first caller only', async () => {
      expect(await guards.claimOnce('code:a', 1_060)).toBe(true);
      expect(await guards.claimOnce('code:a', 1_060)).toBe(false);
      expect(await guards.claimOnce('code:a', 9_999)).toBe(false);
      expect(await guards.claimOnce('code:b', 1_060)).toBe(true);
    });

    it('holds until the given expiry, then forgets the claim', async () => {
      await guards.claimOnce('code:a', 1_060);
      seconds = 1_059;
      expect(await guards.claimOnce('code:a', 1_060)).toBe(false);
      seconds = 1_060;
      expect(await guards.claimOnce('code:a', 1_120)).toBe(true);
    });

    it('holds for at least a second even when the expiry has passed', async () => {
      expect(await guards.claimOnce('code:a', 10)).toBe(true);
      expect(await guards.claimOnce('code:a', 10)).toBe(false);
      seconds = 1_001;
      expect(await guards.claimOnce('code:a', 10)).toBe(true);
    });

    it('can be claimed again after releaseClaim', async () => {
      await guards.claimOnce('code:a', 1_060);
      await guards.releaseClaim('code:a');
      expect(await guards.claimOnce('code:a', 1_060)).toBe(true);
      expect(await guards.claimOnce('code:a', 1_060)).toBe(false);
    });

    it('says whether a claim is held without claiming it, until it expires or is released', async () => {
      expect(await guards.isClaimed('lease')).toBe(false);
      expect(await guards.isClaimed('lease')).toBe(false);
      await guards.claimOnce('lease', 1_060);
      expect(await guards.isClaimed('lease')).toBe(true);
      seconds = 1_060;
      expect(await guards.isClaimed('lease')).toBe(false);
      await guards.claimOnce('lease', 1_120);
      await guards.releaseClaim('lease');
      expect(await guards.isClaimed('lease')).toBe(false);
    });

    it('releases only the named claim, and releasing an unknown key is harmless', async () => {
      await guards.claimOnce('code:a', 1_060);
      await guards.claimOnce('code:b', 1_060);
      await guards.releaseClaim('code:a');
      await guards.releaseClaim('code:never-claimed');
      expect(await guards.claimOnce('code:b', 1_060)).toBe(false);
    });
  });

  describe('claimRefreshToken', () => {
    it('answers first for the first presentation and reused afterwards, without a grace period', async () => {
      expect(await guards.claimRefreshToken('r1', 2_000, 0)).toEqual({ kind: 'first' });
      expect(await guards.claimRefreshToken('r1', 2_000, 0)).toEqual({ kind: 'reused' });
      expect(await guards.claimRefreshToken('r2', 2_000, 0)).toEqual({ kind: 'first' });
    });

    it('answers grace within the window counted from the first presentation, then reused', async () => {
      await guards.claimRefreshToken('r1', 2_000, 10);
      seconds = 1_005;
      expect(await guards.claimRefreshToken('r1', 2_000, 10)).toEqual({ kind: 'grace' });
      seconds = 1_010;
      expect(await guards.claimRefreshToken('r1', 2_000, 10)).toEqual({ kind: 'grace' });
      seconds = 1_011;
      expect(await guards.claimRefreshToken('r1', 2_000, 10)).toEqual({ kind: 'reused' });
    });

    it('answers first again after releaseClaim', async () => {
      await guards.claimRefreshToken('r1', 2_000, 0);
      await guards.releaseClaim('r1');
      expect(await guards.claimRefreshToken('r1', 2_000, 0)).toEqual({ kind: 'first' });
      expect(await guards.claimRefreshToken('r1', 2_000, 0)).toEqual({ kind: 'reused' });
    });

    it('forgets a claim once the token has expired', async () => {
      await guards.claimRefreshToken('r1', 1_100, 0);
      seconds = 1_099;
      expect(await guards.claimRefreshToken('r1', 1_100, 0)).toEqual({ kind: 'reused' });
      seconds = 1_100;
      expect(await guards.claimRefreshToken('r1', 1_200, 0)).toEqual({ kind: 'first' });
    });
  });

  describe('grant revocation markers', () => {
    it('reports a revoked grant through read, until the grant would have ended', async () => {
      expect((await store.read({ clientIds: [], grantId: 'g1' })).revoked).toBe(false);
      await store.markGrantRevoked('g1', 1_100);
      expect((await store.read({ clientIds: [], grantId: 'g1' })).revoked).toBe(true);
      expect((await store.read({ clientIds: [], grantId: 'g2' })).revoked).toBe(false);
      expect((await store.read({ clientIds: [], jti: 'unrevoked', grantId: 'g1' })).revoked).toBe(true);
      seconds = 1_100;
      expect((await store.read({ clientIds: [], grantId: 'g1' })).revoked).toBe(false);
    });

    it('ignores a marker that has already expired', async () => {
      await store.markGrantRevoked('g1', 1_000);
      expect((await store.read({ clientIds: [], grantId: 'g1' })).revoked).toBe(false);
    });

    it('writes the same marker when the projector applies GrantRevoked', async () => {
      await apply(
        stampEvent(
          {
            type: 'GrantRevoked',
            aggregate: { type: 'grant', id: 'g1' },
            data: { grantId: 'g1', clientId: 'app', reason: 'code_reuse', expiresAt: 1_100, revokedBy: null },
          },
          stamp,
        ),
      );
      expect((await store.read({ clientIds: [], grantId: 'g1' })).revoked).toBe(true);
    });

    it('is false when neither a token nor a grant is asked about', async () => {
      await store.markGrantRevoked('g1', 1_100);
      expect((await store.read({ clientIds: [] })).revoked).toBe(false);
    });
  });

  describe('read', () => {
    it('returns the asked-for clients, null for unknown ones', async () => {
      await apply(clientRegistered(clientSnapshot({ clientId: 'app' })));
      const state = await store.read({ clientIds: ['app', 'nobody'] });
      expect(state.clients.get('app')).toMatchObject({ clientId: 'app' });
      expect(state.clients.get('nobody')).toBeNull();
      expect(state.clients.size).toBe(2);
    });

    it('returns the user only when asked, null when unknown', async () => {
      await apply(userEvent('UserRegistered', { userId: ADA }));
      expect(await store.read({ clientIds: [], userId: ADA })).toMatchObject({ user: { userId: ADA } });
      expect(await store.read({ clientIds: [], userId: ADA_TWIN })).toMatchObject({ user: null });
      expect(await store.read({ clientIds: [] })).not.toHaveProperty('user');
    });

    it('returns the newest state of a user', async () => {
      await apply(userEvent('UserRegistered', { userId: ADA }));
      await apply(userEvent('UserDisabled', { userId: ADA, disabled: true }));
      expect(await store.read({ clientIds: [], userId: ADA })).toMatchObject({ user: { disabled: true } });
    });
  });

  describe('users by email', () => {
    it('finds a user by email whatever its case and surrounding spaces', async () => {
      await apply(userEvent('UserRegistered', { userId: ADA }));
      expect(await store.findUserByEmail('  ADA@Example.Test ')).toMatchObject({ userId: ADA });
      expect(await store.findUserByEmail('bob@example.test')).toBeNull();
    });

    it('keeps an email with the first account registered with it', async () => {
      await apply(userEvent('UserRegistered', { userId: ADA }));
      await apply(userEvent('UserRegistered', { userId: ADA_TWIN, email: 'ADA@example.test' }));
      expect(await store.findUserByEmail('ada@example.test')).toMatchObject({ userId: ADA });
      expect(await store.getUser(ADA_TWIN)).toMatchObject({ userId: ADA_TWIN });
      expect((await store.listUsers()).map((user) => user.userId).sort()).toEqual([ADA, ADA_TWIN]);
    });

    it('keeps the email with its first account across that account’s later events', async () => {
      await apply(userEvent('UserRegistered', { userId: ADA }));
      await apply(userEvent('UserRegistered', { userId: ADA_TWIN }));
      await apply(userEvent('UserDisabled', { userId: ADA, disabled: true }));
      expect(await store.findUserByEmail('ada@example.test')).toMatchObject({ userId: ADA, disabled: true });
    });

    it('ignores a stale redelivery of a user event', async () => {
      await apply(userEvent('UserRegistered', { userId: ADA }));
      await apply(userEvent('UserDisabled', { userId: ADA, disabled: true }));
      await store.apply(userEvent('UserRegistered', { userId: ADA }), { partition: 0, offset: '0' });
      expect(await store.getUser(ADA)).toMatchObject({ disabled: true });
    });
  });

  describe('consents', () => {
    it('remembers the scopes per user and client', async () => {
      await apply(consentGranted(ADA, 'app', ['read']));
      await apply(consentGranted(ADA, 'other', ['write']));
      expect(await store.getConsent(ADA, 'app')).toEqual(['read']);
      expect(await store.getConsent(ADA, 'other')).toEqual(['write']);
      expect(await store.getConsent(ADA_TWIN, 'app')).toBeNull();
    });

    it('replaces the scopes with the newest grant, and forgets them once withdrawn', async () => {
      await apply(consentGranted(ADA, 'app', ['read']));
      await apply(consentGranted(ADA, 'app', ['read', 'write']));
      expect(await store.getConsent(ADA, 'app')).toEqual(['read', 'write']);
      await apply(consentWithdrawn(ADA, 'app'));
      expect(await store.getConsent(ADA, 'app')).toBeNull();
    });

    it('records when consent was withdrawn, a cutoff that never moves back', async () => {
      const cutoff = async () =>
        (await store.read({ clientIds: [], consent: { userId: ADA, clientId: 'app' } })).grantsRevokedBefore;
      expect(await cutoff()).toBe(0);
      await store.markConsentWithdrawn(ADA, 'app', 2_000);
      await store.markConsentWithdrawn(ADA, 'app', 1_500);
      expect(await cutoff()).toBe(2_000);
      expect(
        (await store.read({ clientIds: [], consent: { userId: ADA, clientId: 'other' } })).grantsRevokedBefore,
      ).toBe(0);
    });

    it('ignores a stale redelivery of a consent', async () => {
      await apply(consentGranted(ADA, 'app', ['read']));
      await apply(consentWithdrawn(ADA, 'app'));
      await store.apply(consentGranted(ADA, 'app', ['read']), { partition: 0, offset: '0' });
      expect(await store.getConsent(ADA, 'app')).toBeNull();
    });
  });

  describe('isWebOrigin', () => {
    it('is true only for an origin some registered client lists', async () => {
      await apply(clientRegistered(clientSnapshot({ clientId: 'spa', webOrigins: ['https://spa.test'] })));
      await apply(clientRegistered(clientSnapshot({ clientId: 'other', webOrigins: ['http://localhost:3000'] })));
      expect(await store.isWebOrigin('https://spa.test')).toBe(true);
      expect(await store.isWebOrigin('http://localhost:3000')).toBe(true);
      expect(await store.isWebOrigin('https://evil.test')).toBe(false);
      expect(await store.isWebOrigin('https://spa.test/')).toBe(false);
      expect(await store.isWebOrigin('http://spa.test')).toBe(false);
      expect(await store.isWebOrigin('https://spa.test:8443')).toBe(false);
      expect(await store.isWebOrigin('null')).toBe(false);
    });

    it('forgets the origins of a deleted client, and the ones an update removed', async () => {
      await apply(clientRegistered(clientSnapshot({ clientId: 'spa', webOrigins: ['https://spa.test'] })));
      await apply(clientRegistered(clientSnapshot({ clientId: 'gone', webOrigins: ['https://gone.test'] })));
      await apply(
        stampEvent(
          {
            type: 'ClientUpdated',
            aggregate: { type: 'client', id: 'spa' },
            data: { client: clientSnapshot({ clientId: 'spa', webOrigins: ['https://new.spa.test'] }) },
          },
          stamp,
        ),
      );
      await apply(
        stampEvent(
          { type: 'ClientDeleted', aggregate: { type: 'client', id: 'gone' }, data: { clientId: 'gone' } },
          stamp,
        ),
      );
      expect(await store.isWebOrigin('https://spa.test')).toBe(false);
      expect(await store.isWebOrigin('https://new.spa.test')).toBe(true);
      expect(await store.isWebOrigin('https://gone.test')).toBe(false);
    });
  });

  describe('rate limits', () => {
    it('counts within a fixed window and reports the limit reached without counting', async () => {
      expect(await guards.isRateLimited('k', 3)).toBe(false);
      expect(await guards.consumeRateLimit('k', 3, 60)).toBe(true);
      expect(await guards.consumeRateLimit('k', 3, 60)).toBe(true);
      expect(await guards.isRateLimited('k', 3)).toBe(false);
      expect(await guards.consumeRateLimit('k', 3, 60)).toBe(true);
      expect(await guards.isRateLimited('k', 3)).toBe(true);
      expect(await guards.isRateLimited('k', 3)).toBe(true);
      expect(await guards.consumeRateLimit('k', 3, 60)).toBe(false);
      expect(await guards.isRateLimited('other', 3)).toBe(false);
    });

    it('starts a new window once the old one has ended', async () => {
      for (let i = 0; i < 3; i += 1) await guards.consumeRateLimit('k', 3, 60);
      seconds = 1_059;
      expect(await guards.isRateLimited('k', 3)).toBe(true);
      seconds = 1_060;
      expect(await guards.isRateLimited('k', 3)).toBe(false);
      expect(await guards.consumeRateLimit('k', 3, 60)).toBe(true);
      expect(await guards.isRateLimited('k', 3)).toBe(false);
    });
  });
});

describe('guards put back from the log', () => {
  it('refuses a rotated refresh token and a redeemed code after a restart replays the log', async () => {
    const guards = new MemoryGuardStore();
    const store = new MemoryProjectionStore(undefined, guards);
    const at = Math.floor(Date.now() / 1000);
    await store.apply(codeRedeemed('c'), { partition: 0, offset: '0' });
    await store.apply(refreshRotated('r1', 'r2'), { partition: 0, offset: '1' });
    expect(await guards.claimOnce('code:c', at + 60)).toBe(false);
    expect(await guards.claimRefreshToken('r1', at + 3600, 10)).toEqual({ kind: 'reused' });
    expect(await guards.claimRefreshToken('r2', at + 3600, 10)).toEqual({ kind: 'first' });
  });
});

describe('consent cut-offs after compaction', () => {
  it('keeps the withdrawal cut-off when only the later ConsentGranted survives on the compacted topic', async () => {
    const store = new MemoryProjectionStore();
    const regranted = stampEvent(
      {
        type: 'ConsentGranted',
        aggregate: { type: 'consent', id: consentId('ada', 'app') },
        data: { userId: 'ada', clientId: 'app', scopes: ['read'], revokesGrantsBefore: 1_700_000_000 },
      },
      { now: () => new Date() },
    );
    await store.apply(regranted, { partition: 0, offset: '7' });
    const state = await store.read({ clientIds: [], consent: { userId: 'ada', clientId: 'app' } });
    expect(state.grantsRevokedBefore).toBe(1_700_000_000);
    expect(await store.getConsent('ada', 'app')).toEqual(['read']);
  });
});
