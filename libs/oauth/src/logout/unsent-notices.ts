import type { EventOfType, GrantlineEvent } from '@grantline/lib-events';

type SessionEnded = EventOfType<'SessionEnded'>;

/**
 * The back-channel notices a log shows as owed: ends of sessions not yet past their time, each
 * narrowed to the clients with no recorded outcome. A process that reads its whole log at start
 * (embedded mode) sends these again, so a restart in the middle of a delivery loses none.
 */
export class UnsentNotices {
  private readonly ends = new Map<string, SessionEnded>();
  private readonly settled = new Set<string>();

  /** Takes in one event of the log, in log order. */
  observe(event: GrantlineEvent): void {
    if (event.type === 'SessionEnded') this.ends.set(event.data.sessionId, event);
    else if (event.type === 'BackchannelLogoutDelivered' || event.type === 'BackchannelLogoutFailed') {
      this.settled.add(noticeKey(event.data.sessionId, event.data.clientId));
    }
  }

  /** The ends still owed at `now` (epoch seconds), each with only the clients not yet told. */
  owed(now: number): SessionEnded[] {
    const owed: SessionEnded[] = [];
    for (const ended of this.ends.values()) {
      const { sessionId, expiresAt, clientIds = [] } = ended.data;
      if (expiresAt <= now) continue;
      const untold = clientIds.filter((clientId) => !this.settled.has(noticeKey(sessionId, clientId)));
      if (untold.length > 0) owed.push({ ...ended, data: { ...ended.data, clientIds: untold } });
    }
    return owed;
  }
}

const noticeKey = (sessionId: string, clientId: string) => `${sessionId} ${clientId}`;
