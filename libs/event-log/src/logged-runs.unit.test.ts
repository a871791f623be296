import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import { consecutiveRuns } from './logged-runs';

const clientDeleted = (id: string): GrantlineEvent =>
  stampEvent(
    { type: 'ClientDeleted', aggregate: { type: 'client', id }, data: { clientId: id } },
    { now: () => new Date() },
  );
const tokenRevoked = (jti: string): GrantlineEvent =>
  stampEvent(
    {
      type: 'AccessTokenRevoked',
      aggregate: { type: 'token', id: jti },
      data: { jti, clientId: 'c', expiresAt: 2_000_000_000, revokedBy: null },
    },
    { now: () => new Date() },
  );

const entries = [clientDeleted('a'), clientDeleted('b'), tokenRevoked('t1'), clientDeleted('c')].map(
  (event, offset) => ({ event, offset: offset + 10 }),
);

describe('consecutiveRuns', () => {
  it('batches consecutive events of one stream, so handing the batches over in turn keeps the log order', () => {
    const runs = consecutiveRuns(entries, ['clients', 'tokens']);
    expect(runs.map((run) => run.map(({ event }) => event.aggregate.id))).toEqual([['a', 'b'], ['t1'], ['c']]);
    expect(runs[0]?.map(({ position }) => position)).toEqual([
      { stream: 'clients', partition: 0, offset: '10' },
      { stream: 'clients', partition: 0, offset: '11' },
    ]);
    expect(runs[1]?.[0]?.position).toEqual({ stream: 'tokens', partition: 0, offset: '12' });
  });

  it('leaves out streams not asked for, joining the runs they separated', () => {
    const runs = consecutiveRuns(entries, ['clients']);
    expect(runs.map((run) => run.map(({ position }) => position.offset))).toEqual([['10', '11', '13']]);
  });

  it('gives no batch for no events', () => {
    expect(consecutiveRuns([], ['clients'])).toEqual([]);
  });
});
