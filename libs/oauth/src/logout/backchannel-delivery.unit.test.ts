import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { stampEvent, type EventOfType } from '@grantline/lib-events';
import { noMetrics } from '@grantline/lib-telemetry';
import { generateSigningJwk, keyRingFromJwks } from '@grantline/lib-tokens';
import { MemoryFetcher, oauthFixture, TEST_ISSUER, type OAuthFixture } from '@grantline/lib-testing';
import { openIdSubject } from '../openid/subject';
import { backchannelLeaseSeconds, deliverBackchannelLogouts } from './backchannel-delivery';
import { BACKCHANNEL_LOGOUT_EVENT, signLogoutToken } from './logout-token';

const SID = 'c2Vzc2lvbi10ZXN0LTAwMDE';
const RECEIVER = 'https://app.test/backchannel';

describe('back-channel logout', () => {
  let fixture: OAuthFixture;
  let fetcher: MemoryFetcher;
  let clientId: string;
  let outcomes: string[];
  const pauses: number[] = [];
  const sleep = async (ms: number) => void pauses.push(ms);

  function ended(clientIds: string[] = [clientId]): EventOfType<'SessionEnded'> {
    const expiresAt = Math.floor(fixture.clock.now().getTime() / 1000) + 3600;
    return stampEvent(
      {
        type: 'SessionEnded',
        aggregate: { type: 'session', id: SID },
        data: { sessionId: SID, userId: 'user-1', reason: 'logout', endedBy: null, expiresAt, clientIds },
      },
      { now: () => fixture.clock.now() },
    ) as EventOfType<'SessionEnded'>;
  }

  const recorded = () =>
    fixture.log.events.filter((event) => event.type.startsWith('BackchannelLogout')).map((event) => event.data);

  beforeEach(async () => {
    fixture = await oauthFixture();
    fetcher = new MemoryFetcher();
    outcomes = [];
    pauses.length = 0;
    fixture.context.fetcher = fetcher;
    fixture.context.metrics = { ...noMetrics, backchannelLogout: (outcome) => outcomes.push(outcome) };
    const input = { public: true, redirect_uris: ['https://app.test/cb'], grant_types: ['authorization_code'] };
    clientId = (await fixture.registerClient({ name: 'App', ...input })).clientId;
    await fixture.updateOpenId(clientId, { backchannelLogoutUri: RECEIVER });
  });

  it('POSTs a logout token and records the delivery', async () => {
    fetcher.answerPosts(RECEIVER, 200);
    await deliverBackchannelLogouts(fixture.context, ended(), sleep);
    expect(fetcher.posted).toEqual([{ url: RECEIVER, form: { logout_token: expect.any(String) } }]);
    expect(recorded()).toEqual([{ sessionId: SID, clientId, attempts: 1, status: 200 }]);
    expect(outcomes).toEqual(['delivered']);
  });

  it('tries again with growing pauses until a 2xx answer', async () => {
    fetcher.answerPosts(RECEIVER, 503, 'network', 204);
    await deliverBackchannelLogouts(fixture.context, ended(), sleep);
    expect(fetcher.posted).toHaveLength(3);
    expect(pauses).toEqual([1, 2]);
    expect(recorded()).toEqual([{ sessionId: SID, clientId, attempts: 3, status: 204 }]);
  });

  it('records the failure after the last attempt, with the last answer and no token', async () => {
    fetcher.answerPosts(RECEIVER, 302);
    await deliverBackchannelLogouts(fixture.context, ended(), sleep);
    expect(fetcher.posted).toHaveLength(3);
    expect(recorded()).toEqual([{ sessionId: SID, clientId, attempts: 3, status: 302, reason: 'answered 302' }]);
    expect(JSON.stringify(fixture.log.events)).not.toContain(fetcher.posted[0]?.form.logout_token);
    expect(outcomes).toEqual(['failed']);
  });

  it('notifies each client once, however often the log hands the end over', async () => {
    fetcher.answerPosts(RECEIVER, 200);
    const event = ended();
    await deliverBackchannelLogouts(fixture.context, event, sleep);
    await deliverBackchannelLogouts(fixture.context, event, sleep);
    expect(fetcher.posted).toHaveLength(1);
    expect(outcomes).toEqual(['delivered', 'skipped']);
  });

  it('lets a notice be tried again when its outcome could not be recorded', async () => {
    fetcher.answerPosts(RECEIVER, 200);
    const append = fixture.log.append.bind(fixture.log);
    fixture.context.log = { ...fixture.context.log, append: () => Promise.reject(new Error('log down')) } as never;
    await expect(deliverBackchannelLogouts(fixture.context, ended(), sleep)).rejects.toThrow('log down');
    fixture.context.log = { ...fixture.context.log, append } as never;
    await deliverBackchannelLogouts(fixture.context, ended(), sleep);
    expect(fetcher.posted).toHaveLength(2);
    expect(recorded()).toHaveLength(1);
  });

  describe('when another replica holds the notice', () => {
    const lease = () => `backchannel-logout-lease:${SID}:${clientId}`;
    const done = () => `backchannel-logout:${SID}:${clientId}`;
    const now = () => Math.floor(fixture.clock.now().getTime() / 1000);

    it('sends it once the lease of a replica that died mid-delivery runs out', async () => {
      fetcher.answerPosts(RECEIVER, 200);
      // A replica took the notice and died before recording anything: its lease stays until it runs out.
      expect(await fixture.guards.claimOnce(lease(), now() + 30)).toBe(true);
      const waited: number[] = [];
      await deliverBackchannelLogouts(fixture.context, ended(), async (ms) => {
        waited.push(ms);
        fixture.clock.advance(ms / 1000);
      });
      expect(waited).toHaveLength(30);
      expect(fetcher.posted).toHaveLength(1);
      expect(recorded()).toEqual([{ sessionId: SID, clientId, attempts: 1, status: 200 }]);
      expect(outcomes).toEqual(['delivered']);
      expect(await fixture.guards.isClaimed(lease())).toBe(false);
      expect(await fixture.guards.isClaimed(done())).toBe(true);
    });

    it('waits for a live replica to finish it, then leaves it alone', async () => {
      fetcher.answerPosts(RECEIVER, 200);
      expect(await fixture.guards.claimOnce(lease(), now() + 30)).toBe(true);
      let looks = 0;
      await deliverBackchannelLogouts(fixture.context, ended(), async () => {
        looks += 1;
        if (looks === 3) {
          // The holder records its outcome, marks the notice done and lets go.
          await fixture.guards.claimOnce(done(), now() + 3600);
          await fixture.guards.releaseClaim(lease());
        }
      });
      expect(looks).toBe(3);
      expect(fetcher.posted).toEqual([]);
      expect(outcomes).toEqual(['skipped']);
    });
  });

  it('holds a notice longer than every attempt can take', () => {
    // 5 attempts of at most 5 s, pauses of 1, 2, 4 and 8 s, and a 10 s margin.
    expect(backchannelLeaseSeconds(5, 1_000, 5_000)).toBe(25 + 15 + 10);
    expect(backchannelLeaseSeconds(1, 1_000, 10_000)).toBe(10 + 10);
  });

  it('skips clients without a back-channel URI, unknown clients and sessions past their end', async () => {
    const event = ended(['nobody']);
    await deliverBackchannelLogouts(fixture.context, event, sleep);
    await fixture.updateOpenId(clientId, { backchannelLogoutUri: null });
    await deliverBackchannelLogouts(fixture.context, ended(), sleep);
    await fixture.updateOpenId(clientId, { backchannelLogoutUri: RECEIVER });
    const old = ended();
    fixture.clock.advance(3600);
    await deliverBackchannelLogouts(fixture.context, old, sleep);
    expect(fetcher.posted).toEqual([]);
  });

  it('signs logout tokens as the spec says: typed, for the client, with sid and the subject the client knows', async () => {
    const client = await fixture.store.getClient(clientId);
    if (!client) throw new Error('client');
    const pairwise = { ...client, openid: { ...client.openid, subjectType: 'pairwise' as const } };
    const token = await signLogoutToken(fixture.context, pairwise, 'user-1', SID);
    const key = fixture.context.keys.active;
    const { payload, protectedHeader } = await jwtVerify(token, key.publicKey, {
      issuer: TEST_ISSUER,
      audience: clientId,
      typ: 'logout+jwt',
      currentDate: fixture.clock.now(),
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: key.kid });
    const issuedAt = Math.floor(fixture.clock.now().getTime() / 1000);
    expect(payload).toEqual({
      iss: TEST_ISSUER,
      aud: clientId,
      sub: openIdSubject(pairwise, 'user-1', fixture.context.settings.openid.pairwiseSalt),
      iat: issuedAt,
      exp: issuedAt + 120,
      jti: expect.any(String),
      sid: SID,
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    });
    expect(payload.sub).not.toBe('user-1');
    expect(payload).not.toHaveProperty('nonce');
  });

  it("signs with the client's ID token algorithm, RS256 unless it registered another", async () => {
    const keys = await keyRingFromJwks([
      await generateSigningJwk('es', 'ES256'),
      await generateSigningJwk('rs', 'RS256'),
    ]);
    const context = { ...fixture.context, keys };
    const client = await fixture.store.getClient(clientId);
    if (!client) throw new Error('client');
    expect(decodeProtectedHeader(await signLogoutToken(context, client, 'u', SID))).toMatchObject({
      alg: 'RS256',
      kid: 'rs',
    });
    const es = { ...client, openid: { ...client.openid, idTokenSignedResponseAlg: 'ES256' as const } };
    expect(decodeProtectedHeader(await signLogoutToken(context, es, 'u', SID))).toMatchObject({
      alg: 'ES256',
      kid: 'es',
    });
    expect(decodeJwt(await signLogoutToken(context, es, 'u', SID)).sub).toBe('u');
  });
});
