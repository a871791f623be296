import { stampEvent } from '@grantline/lib-events';
import { clientRegistered, clientSnapshot, FIXTURE_TIME } from '@grantline/lib-testing';
import { MemoryProjectionStore } from './memory-projection-store';
import { ProjectionCheck } from './projection-check';

const now = FIXTURE_TIME;
const seconds = () => Math.floor(now.getTime() / 1000);
const events = [
  clientRegistered(clientSnapshot({ clientId: 'a' })),
  clientRegistered(clientSnapshot({ clientId: 'b' })),
  stampEvent(
    {
      type: 'AccessTokenRevoked',
      aggregate: { type: 'token', id: 't' },
      data: { jti: 't', clientId: 'a', expiresAt: seconds() + 60, revokedBy: null },
    },
    { now: () => now },
  ),
];

async function projected(upTo: number): Promise<MemoryProjectionStore> {
  const store = new MemoryProjectionStore({ nowSeconds: seconds });
  for (const [offset, event] of events.slice(0, upTo).entries())
    await store.apply(event, { partition: 0, offset: String(offset) });
  return store;
}

async function check(actual: MemoryProjectionStore) {
  const checker = new ProjectionCheck(seconds);
  for (const [offset, event] of events.entries()) await checker.apply(event, { partition: 0, offset: String(offset) });
  return checker.compare(actual);
}

describe('ProjectionCheck', () => {
  it('finds no difference in a store that applied the whole log', async () => {
    expect(await check(await projected(events.length))).toEqual({
      events: 3,
      clients: 2,
      users: 0,
      revocations: 1,
      differences: [],
    });
  });

  it('reports what a store that fell behind is missing', async () => {
    const result = await check(await projected(1));
    expect(result.differences).toEqual([
      { kind: 'client-missing', clientId: 'b' },
      { kind: 'revocation-missing', jti: 't' },
    ]);
  });
});
