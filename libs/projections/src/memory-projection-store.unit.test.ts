import { stampEvent } from '@grantline/lib-events';
import {
  clientRegistered,
  clientSnapshot,
  FIXTURE_TIME,
  tokenRevoked,
  userEvent,
  userSnapshot,
} from '@grantline/lib-testing';
import { MemoryProjectionStore } from './memory-projection-store';

const now = FIXTURE_TIME;
const registered = clientRegistered(clientSnapshot({ clientId: 'c' }));
const deleted = stampEvent(
  { type: 'ClientDeleted', aggregate: { type: 'client', id: 'c' }, data: { clientId: 'c' } },
  { now: () => now },
);

describe('MemoryProjectionStore', () => {
  it('rebuilds the same state when the log is replayed, and ignores stale redeliveries', async () => {
    const store = new MemoryProjectionStore();
    await store.apply(registered, { partition: 0, offset: '0' });
    await store.apply(deleted, { partition: 0, offset: '1' });
    await store.apply(registered, { partition: 0, offset: '0' });
    expect(await store.getClient('c')).toBeNull();
  });

  it('forgets revocations written through once the token would have expired', async () => {
    let seconds = 1_000;
    const store = new MemoryProjectionStore({ nowSeconds: () => seconds });
    await store.writeThrough([tokenRevoked('t', 1_010)]);
    expect((await store.read({ clientIds: [], jti: 't' })).revoked).toBe(true);
    seconds = 1_011;
    expect((await store.read({ clientIds: [], jti: 't' })).revoked).toBe(false);
  });

  it('writes through exactly what the projector writes, so applying the event later changes nothing', async () => {
    const revoked = tokenRevoked('t', Math.floor(Date.now() / 1000) + 60);
    const through = new MemoryProjectionStore();
    await through.writeThrough([revoked]);
    const projected = new MemoryProjectionStore();
    await projected.apply(revoked, { partition: 0, offset: '0' });
    const query = { clientIds: [], jti: 't' };
    expect(await through.read(query)).toEqual(await projected.read(query));
    await through.apply(revoked, { partition: 0, offset: '0' });
    expect(await through.read(query)).toEqual(await projected.read(query));
  });

  it('writes through only the events whose projector entry allows it', async () => {
    const store = new MemoryProjectionStore();
    // A cast gets past the type; the table still decides.
    await store.writeThrough([registered as unknown as ReturnType<typeof tokenRevoked>]);
    expect(await store.getClient('c')).toBeNull();
  });
});

describe('MemoryProjectionStore email lookup', () => {
  const event = (type: 'UserRegistered' | 'UserProfileChanged', userId: string, email: string) =>
    userEvent(type, userSnapshot({ userId, email }));
  const ada = '01JBZ8Y2C5V9Q3K4M6N7P8R9S0';
  const grace = '01JBZ8Y2C5V9Q3K4M6N7P8R9S1';
  // Ada moves from a@ to b@; Grace then takes a@. Their events sit on different partitions.
  const adaLog = [event('UserRegistered', ada, 'a@example.test'), event('UserProfileChanged', ada, 'b@example.test')];
  const graceLog = [
    event('UserRegistered', grace, 'c@example.test'),
    event('UserProfileChanged', grace, 'a@example.test'),
  ];
  const positioned = (log: typeof adaLog, partition: number) =>
    log.map((e, offset) => ({ event: e, position: { partition, offset: String(offset) } }));

  it.each([
    ['in the order they were recorded', [...positioned(adaLog, 0), ...positioned(graceLog, 1)]],
    ['with the taker applied before the one who left', [...positioned(graceLog, 1), ...positioned(adaLog, 0)]],
  ])('signs in the account that holds an address now, %s', async (_order, log) => {
    const store = new MemoryProjectionStore();
    for (const { event: e, position } of log) await store.apply(e, position);
    expect((await store.findUserByEmail('A@example.test'))?.userId).toBe(grace);
    expect((await store.findUserByEmail('b@example.test'))?.userId).toBe(ada);
    expect(await store.findUserByEmail('c@example.test')).toBeNull();
  });

  it('leaves a raced address with the first account projected with it', async () => {
    const store = new MemoryProjectionStore();
    await store.apply(event('UserRegistered', grace, 'a@example.test'), { partition: 1, offset: '0' });
    await store.apply(event('UserRegistered', ada, 'a@example.test'), { partition: 0, offset: '0' });
    expect((await store.findUserByEmail('a@example.test'))?.userId).toBe(grace);
  });
});
