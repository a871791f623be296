import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import { UnsentNotices } from './unsent-notices';

const at = { now: () => new Date('2026-06-01T12:00:00Z') };
const NOW = Date.parse('2026-06-01T12:00:00Z') / 1000;
const session = { type: 'session', id: 's1' } as const;

const ended = (sessionId: string, clientIds: string[], expiresAt = NOW + 3600): GrantlineEvent =>
  stampEvent(
    {
      type: 'SessionEnded',
      aggregate: { ...session, id: sessionId },
      data: { sessionId, userId: 'u1', reason: 'logout', endedBy: null, expiresAt, clientIds },
    },
    at,
  );
const delivered = (sessionId: string, clientId: string): GrantlineEvent =>
  stampEvent(
    {
      type: 'BackchannelLogoutDelivered',
      aggregate: { ...session, id: sessionId },
      data: { sessionId, clientId, attempts: 1, status: 200 },
    },
    at,
  );
const failed = (sessionId: string, clientId: string): GrantlineEvent =>
  stampEvent(
    {
      type: 'BackchannelLogoutFailed',
      aggregate: { ...session, id: sessionId },
      data: { sessionId, clientId, attempts: 5, status: null, reason: 'timeout' },
    },
    at,
  );

function owedAfter(events: GrantlineEvent[], now = NOW) {
  const notices = new UnsentNotices();
  for (const event of events) notices.observe(event);
  return notices.owed(now).map((event) => ({ sessionId: event.data.sessionId, clientIds: event.data.clientIds }));
}

describe('the back-channel notices a log still owes', () => {
  it('owes every client of an end with no outcome recorded', () => {
    expect(owedAfter([ended('s1', ['a', 'b'])])).toEqual([{ sessionId: 's1', clientIds: ['a', 'b'] }]);
  });

  it('owes only the clients without an outcome, delivered or failed', () => {
    expect(owedAfter([ended('s1', ['a', 'b', 'c']), delivered('s1', 'a'), failed('s1', 'c')])).toEqual([
      { sessionId: 's1', clientIds: ['b'] },
    ]);
    expect(owedAfter([ended('s1', ['a']), delivered('s1', 'a'), ended('s2', ['a'])])).toEqual([
      { sessionId: 's2', clientIds: ['a'] },
    ]);
  });

  it('owes nothing for sessions past their time, ends without clients, or outcomes of other sessions', () => {
    expect(owedAfter([ended('s1', ['a'], NOW)])).toEqual([]);
    expect(owedAfter([ended('s1', [])])).toEqual([]);
    expect(owedAfter([ended('s1', ['a']), delivered('s2', 'a')])).toEqual([{ sessionId: 's1', clientIds: ['a'] }]);
  });
});
