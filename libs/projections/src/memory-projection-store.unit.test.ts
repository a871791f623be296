import { stampEvent } from '@grantline/lib-events';
import { clientRegistered, clientSnapshot, FIXTURE_TIME } from '@grantline/lib-testing';
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

  it('forgets revocations once the token would have expired', async () => {
    let seconds = 1_000;
    const store = new MemoryProjectionStore({ nowSeconds: () => seconds });
    await store.markRevoked('t', 1_010);
    expect((await store.read({ clientIds: [], jti: 't' })).revoked).toBe(true);
    seconds = 1_011;
    expect((await store.read({ clientIds: [], jti: 't' })).revoked).toBe(false);
  });
});
