import { stampEvent, type ClientSnapshot } from '@grantline/lib-events';
import { MemoryProjectionStore } from './memory-projection-store';

const now = new Date('2026-01-01T00:00:00Z');
const client: ClientSnapshot = {
  clientId: 'c',
  name: 'c',
  secretHash: null,
  public: true,
  grantTypes: ['authorization_code'],
  scopes: [],
  redirectUris: [],
  webOrigins: [],
  createdAt: now.toISOString(),
};
const registered = stampEvent(
  { type: 'ClientRegistered', aggregate: { type: 'client', id: 'c' }, data: { client } },
  { now: () => now },
);
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
