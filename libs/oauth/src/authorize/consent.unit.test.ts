import { emptyProfile } from '@grantline/lib-events';
import type { UserRecord } from '@grantline/lib-projections';
import { clientSnapshot, oauthFixture, type OAuthFixture } from '@grantline/lib-testing';
import type { OAuthRequest } from '../http-types';
import { withdrawConsent } from '../users/user-commands';
import { consentGranted, needsConsent } from './consent';

const request: OAuthRequest = { method: 'POST', headers: {}, body: '', remoteAddress: '192.0.2.1', requestId: 'req-1' };
const user: UserRecord = {
  userId: '01HZX0000000000000000000A1',
  email: 'ada@example.test',
  name: 'Ada',
  passwordHash: 'scrypt$16384$8$1$salt$hash',
  disabled: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  profile: emptyProfile(),
  updatedAt: null,
};
const thirdParty = clientSnapshot({ clientId: 'third', scopes: ['read', 'write', 'admin'] });
const firstParty = clientSnapshot({ clientId: 'first', scopes: ['read', 'write'], firstParty: true });

describe('consent', () => {
  let fixture: OAuthFixture;
  const approve = async (scopes: string[], client = thirdParty) =>
    fixture.log.append([await consentGranted(fixture.context, request, client, user, scopes)]);

  beforeEach(async () => {
    fixture = await oauthFixture();
  });

  it('is never asked of a first-party client', async () => {
    expect(await needsConsent(fixture.context, firstParty, user, ['read', 'write'])).toBe(false);
  });

  it('is asked when nothing was approved before', async () => {
    expect(await needsConsent(fixture.context, thirdParty, user, ['read'])).toBe(true);
  });

  it('is not asked again for scopes approved before, nor for fewer of them', async () => {
    await approve(['read', 'write']);
    expect(await needsConsent(fixture.context, thirdParty, user, ['read', 'write'])).toBe(false);
    expect(await needsConsent(fixture.context, thirdParty, user, ['write'])).toBe(false);
    expect(await needsConsent(fixture.context, thirdParty, user, [])).toBe(false);
  });

  it('is asked for a resource not approved before, and remembers the resources approved (RFC 8707)', async () => {
    const resource = (uri: string) => ({ uri, name: uri, scopes: ['read'], createdAt: '2026-01-01T00:00:00.000Z' });
    const orders = resource('https://orders.example.test/mcp');
    const billing = resource('https://billing.example.test/api');
    await approve(['read', 'write']);
    expect(await needsConsent(fixture.context, thirdParty, user, ['read'], [orders])).toBe(true);
    await fixture.log.append([await consentGranted(fixture.context, request, thirdParty, user, ['read'], [orders])]);
    expect(await needsConsent(fixture.context, thirdParty, user, ['read', 'write'], [orders])).toBe(false);
    expect(await needsConsent(fixture.context, thirdParty, user, ['read'], [orders, billing])).toBe(true);
    const both = await consentGranted(fixture.context, request, thirdParty, user, ['read'], [billing]);
    expect(both).toMatchObject({ data: { scopes: ['read', 'write'], resources: [orders.uri, billing.uri] } });
    await fixture.log.append([both]);
    expect(await needsConsent(fixture.context, thirdParty, user, ['read'], [orders, billing])).toBe(false);
    expect(await needsConsent(fixture.context, firstParty, user, ['read'], [orders])).toBe(false);
  });

  it('is asked again when any scope was not approved', async () => {
    await approve(['read']);
    expect(await needsConsent(fixture.context, thirdParty, user, ['read', 'admin'])).toBe(true);
  });

  it('is remembered per client and per user', async () => {
    await approve(['read']);
    const other = clientSnapshot({ clientId: 'other', scopes: ['read'] });
    expect(await needsConsent(fixture.context, other, user, ['read'])).toBe(true);
    expect(
      await needsConsent(fixture.context, thirdParty, { ...user, userId: '01HZX0000000000000000000B2' }, ['read']),
    ).toBe(true);
  });

  it('records the approved scopes together with those approved before, once each', async () => {
    await approve(['read', 'write']);
    const event = await consentGranted(fixture.context, request, thirdParty, user, ['write', 'admin']);
    expect(event).toMatchObject({
      type: 'ConsentGranted',
      aggregate: { type: 'consent', id: `${user.userId}:third` },
      data: { userId: user.userId, clientId: 'third', scopes: ['read', 'write', 'admin'] },
      causationId: 'req-1',
    });
    await fixture.log.append([event]);
    expect(await needsConsent(fixture.context, thirdParty, user, ['read', 'write', 'admin'])).toBe(false);
  });

  it('is asked again once withdrawn', async () => {
    await approve(['read']);
    const remembered = await fixture.store.getConsent(user.userId, 'third');
    await fixture.log.append([
      withdrawConsent(user.userId, 'third', remembered, { now: () => fixture.clock.now() }).event,
    ]);
    expect(await needsConsent(fixture.context, thirdParty, user, ['read'])).toBe(true);
    const event = await consentGranted(fixture.context, request, thirdParty, user, ['write']);
    expect(event).toMatchObject({ data: { scopes: ['write'] } });
  });

  it('carries the last withdrawal cut-off forward, so compaction cannot drop it', async () => {
    await approve(['read']);
    const first = await consentGranted(fixture.context, request, thirdParty, user, ['read']);
    expect(first.type === 'ConsentGranted' && first.data.revokesGrantsBefore).toBeUndefined();
    const remembered = await fixture.store.getConsent(user.userId, 'third');
    const withdrawn = withdrawConsent(user.userId, 'third', remembered, { now: () => fixture.clock.now() }).event;
    await fixture.log.append([withdrawn]);
    const regranted = await consentGranted(fixture.context, request, thirdParty, user, ['read']);
    expect(regranted).toMatchObject({
      data: { revokesGrantsBefore: withdrawn.type === 'ConsentWithdrawn' ? withdrawn.data.revokesGrantsBefore : -1 },
    });
  });
});
