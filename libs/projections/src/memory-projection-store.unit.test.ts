import { stampEvent } from '@grantline/lib-events';
import { clientRegistered, clientSnapshot, FIXTURE_TIME, tokenRevoked } from '@grantline/lib-testing';
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
