import { EventLogUnavailableError } from '@grantline/lib-event-log';
import { stampEvent } from '@grantline/lib-events';
import { StoppingKafkaEventLog } from './stopping-event-log';

/** A log pointed at a port nothing listens on: appends fail within the append timeout. */
function unreachableLog(): StoppingKafkaEventLog {
  return new StoppingKafkaEventLog({
    brokers: ['127.0.0.1:1'],
    clientId: 'stopping-event-log-test',
    topicPrefix: 'test.',
    appendTimeoutMs: 300,
  });
}

const issued = () => {
  const now = new Date();
  const at = Math.floor(now.getTime() / 1000);
  return stampEvent(
    {
      type: 'AccessTokenIssued',
      aggregate: { type: 'token', id: 'jti-1' },
      data: {
        jti: 'jti-1',
        clientId: 'c',
        subject: 'c',
        scope: 'read',
        grantType: 'client_credentials',
        issuedAt: at,
        expiresAt: at + 60,
      },
    },
    { now: () => now },
  );
};

describe('StoppingKafkaEventLog', () => {
  it('refuses an append that starts after close, as the log being unavailable', async () => {
    const log = unreachableLog();
    await log.close();
    await expect(log.append([issued()])).rejects.toBeInstanceOf(EventLogUnavailableError);
  });

  it('closes only once the appends under way have settled', async () => {
    const log = unreachableLog();
    const order: string[] = [];
    const append = log.append([issued()]).catch(() => order.push('append settled'));
    await log.close().then(() => order.push('closed'));
    await append;
    expect(order).toEqual(['append settled', 'closed']);
  });
});
