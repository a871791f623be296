import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import { oauthFixture, type OAuthFixture } from '@grantline/lib-testing';
import { endSession } from './session-end';
import { liveSessionsOf } from './session-reads';
import { adminEndAllSessions, adminEndSession, adminListSessions } from './session-admin';

const SID = 'c2Vzc2lvbi10ZXN0LTAwMDE';
const OTHER_SID = 'c2Vzc2lvbi10ZXN0LTAwMDI';

describe('ending a session', () => {
  let fixture: OAuthFixture;
  let userId: string;
  let endsGrants: string;
  let keepsGrants: string;
  const stamp = () => ({ now: () => fixture.clock.now() });
  const now = () => Math.floor(fixture.clock.now().getTime() / 1000);

  function started(sessionId: string): GrantlineEvent {
    return stampEvent(
      {
        type: 'SessionStarted',
        aggregate: { type: 'session', id: sessionId },
        data: {
          sessionId,
          userId,
          authTime: now(),
          amr: ['pwd'],
          clientId: endsGrants,
          remoteAddress: '127.0.0.1',
          expiresAt: now() + 3600,
        },
      },
      stamp(),
    );
  }

  function code(grantId: string, clientId: string, scope: string, sessionId = SID): GrantlineEvent {
    return stampEvent(
      {
        type: 'AuthorizationCodeIssued',
        aggregate: { type: 'grant', id: grantId },
        data: {
          grantId,
          codeId: `c-${grantId}`,
          clientId,
          userId,
          scope,
          redirectUri: 'https://app.test/cb',
          expiresAt: now() + 60,
          sessionId,
        },
      },
      stamp(),
    );
  }

  function appended(types: string[]): GrantlineEvent[] {
    return fixture.log.events.filter((event) => types.includes(event.type));
  }

  beforeEach(async () => {
    fixture = await oauthFixture();
    userId = (await fixture.registerUser({ email: 'ada@example.test', name: 'Ada', password: 'correct horse battery' }))
      .userId;
    const redirect = { redirect_uris: ['https://app.test/cb'], grant_types: ['authorization_code', 'refresh_token'] };
    endsGrants = (await fixture.registerClient({ name: 'Ends', public: true, ...redirect })).clientId;
    keepsGrants = (await fixture.registerClient({ name: 'Keeps', public: true, ...redirect })).clientId;
    await fixture.updateOpenId(keepsGrants, { endGrantsWithSession: false });
    await fixture.log.append([
      started(SID),
      started(OTHER_SID),
      code('g-online', endsGrants, 'openid read'),
      code('g-offline', endsGrants, 'openid offline_access'),
      code('g-kept', keepsGrants, 'openid read'),
      code('g-other', endsGrants, 'openid read', OTHER_SID),
    ]);
  });

  it('records the end with the clients to notify, and revokes only what ends with the session', async () => {
    const outcome = await endSession(fixture.context, stamp(), { sessionId: SID, userId }, 'logout', endsGrants);
    expect(outcome).toEqual({ ended: true, revokedGrants: ['g-online'], clientIds: [endsGrants, keepsGrants].sort() });
    const [ended, ...revoked] = appended(['SessionEnded', 'GrantRevoked']);
    expect(ended).toMatchObject({
      type: 'SessionEnded',
      data: { sessionId: SID, userId, reason: 'logout', endedBy: endsGrants, expiresAt: now() + 3600 },
    });
    expect(revoked).toEqual([
      expect.objectContaining({
        type: 'GrantRevoked',
        data: expect.objectContaining({ grantId: 'g-online', clientId: endsGrants, reason: 'session_ended' }),
      }),
    ]);
    // Written through: every replica refuses the session and the grant before the caller answers.
    expect(await fixture.store.getOnce('session-ended', SID)).toMatchObject({ reason: 'logout' });
    expect((await fixture.store.read({ clientIds: [], grantId: 'g-online' })).revoked).toBe(true);
    expect((await fixture.store.read({ clientIds: [], grantId: 'g-offline' })).revoked).toBe(false);
    expect((await fixture.store.read({ clientIds: [], grantId: 'g-other' })).revoked).toBe(false);
  });

  it('records nothing for a session that ended already, or that belongs to someone else', async () => {
    await endSession(fixture.context, stamp(), { sessionId: SID, userId }, 'logout', null);
    const count = fixture.log.events.length;
    expect(await endSession(fixture.context, stamp(), { sessionId: SID, userId }, 'operator', null)).toEqual({
      ended: false,
    });
    expect(
      await endSession(fixture.context, stamp(), { sessionId: OTHER_SID, userId: 'someone' }, 'logout', null),
    ).toEqual({
      ended: false,
    });
    expect(fixture.log.events.length).toBe(count);
  });

  it('lets operators list live sessions and end one or all of them', async () => {
    expect(
      (await adminListSessions(fixture.context, userId)).sessions.map((session) => session.session_id).sort(),
    ).toEqual([SID, OTHER_SID].sort());
    await adminEndSession(fixture.context, stamp(), userId, SID);
    expect((await liveSessionsOf(fixture.store, userId, now())).map((session) => session.sessionId)).toEqual([
      OTHER_SID,
    ]);
    await expect(adminEndSession(fixture.context, stamp(), userId, SID)).rejects.toMatchObject({ status: 404 });
    await expect(adminListSessions(fixture.context, 'nobody')).rejects.toMatchObject({ status: 404 });
    expect(await adminEndAllSessions(fixture.context, stamp(), userId)).toEqual({ ended: 1 });
    expect((await adminListSessions(fixture.context, userId)).sessions).toEqual([]);
    expect(appended(['SessionEnded']).map((event) => (event.data as { reason: string }).reason)).toEqual([
      'operator',
      'operator',
    ]);
  });
});
