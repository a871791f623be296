import { MemoryEventLog } from '@grantline/lib-event-log';
import { streams } from '@grantline/lib-events';
import {
  MemoryGuardStore,
  MemoryProjectionStore,
  ProjectionStoreUnavailableError,
  ProjectionUnavailableError,
} from '@grantline/lib-projections';
import { consentWithdrawn, grantRevoked, tokenRevoked } from '@grantline/lib-testing';
import { awaitingProjection, WRITE_THROUGH } from './decision';
import { recordDecision } from './recorder';

const later = () => Math.floor(Date.now() / 1000) + 600;

function ports() {
  const log = new MemoryEventLog();
  const store = new MemoryProjectionStore();
  const guards = new MemoryGuardStore();
  return { log, store, guards };
}

/** A store the projector keeps up to date, as every service's is. */
async function projected() {
  const given = ports();
  await given.log.subscribe({
    groupId: 'projector',
    streams,
    fromBeginning: true,
    handleBatch: async (batch) => {
      for (const { event, position } of batch) await given.store.apply(event, position);
    },
  });
  return given;
}

describe('recordDecision', () => {
  describe('when the append fails', () => {
    it('releases the claims, writes nothing through and fails with the log error', async () => {
      const { log, store, guards } = ports();
      log.unavailable = true;
      await guards.claimOnce('code:c1', later());
      const recording = recordDecision(
        { log, store },
        {
          events: [tokenRevoked('t1', later())],
          release: { guards, keys: ['code:c1'] },
          readOwnWrite: WRITE_THROUGH,
        },
      );
      await expect(recording).rejects.toMatchObject({ name: 'EventLogUnavailableError' });
      expect(await guards.claimOnce('code:c1', later())).toBe(true);
      expect((await store.read({ clientIds: [], jti: 't1' })).revoked).toBe(false);
    });
  });

  describe('when the append succeeds', () => {
    it('keeps the claims and records the events in order', async () => {
      const { log, store, guards } = ports();
      await guards.claimOnce('code:c1', later());
      const events = [tokenRevoked('t1', later()), grantRevoked('g1', later())];
      await recordDecision({ log, store }, { events, release: { guards, keys: ['code:c1'] } });
      expect(log.events).toEqual(events);
      expect(await guards.claimOnce('code:c1', later())).toBe(false);
    });

    it('writes the events its projector entries allow through, before it resolves', async () => {
      const { log, store } = ports();
      await recordDecision(
        { log, store },
        { events: [tokenRevoked('t1', later()), grantRevoked('g1', later())], readOwnWrite: WRITE_THROUGH },
      );
      expect((await store.read({ clientIds: [], jti: 't1' })).revoked).toBe(true);
      expect((await store.read({ clientIds: [], grantId: 'g1' })).revoked).toBe(true);
    });

    it('writes nothing through unless the decision asks', async () => {
      const { log, store } = ports();
      await recordDecision({ log, store }, { events: [tokenRevoked('t1', later())] });
      expect((await store.read({ clientIds: [], jti: 't1' })).revoked).toBe(false);
    });
  });

  it('refuses, recording nothing, a write-through of events no projector entry allows', async () => {
    const { log, store } = ports();
    const withdrawn = consentWithdrawn('u1', 'c1', 1_000);
    expect(() => recordDecision({ log, store }, { events: [withdrawn], readOwnWrite: WRITE_THROUGH })).toThrow(
      'none of ConsentWithdrawn may be written through',
    );
    expect(log.events).toEqual([]);
  });

  describe('waiting for the projection', () => {
    it('resolves with what it read once the projector shows the change', async () => {
      const { log, store } = await projected();
      const seen = await recordDecision(
        { log, store },
        awaitingProjection([consentWithdrawn('u1', 'c1', 1_000)], {
          read: async () =>
            (await store.read({ clientIds: [], consent: { userId: 'u1', clientId: 'c1' } })).grantsRevokedBefore,
          until: (cutoff) => cutoff === 1_000,
        }),
      );
      expect(seen).toBe(1_000);
    });

    it('fails with the decision’s error when the change stays unseen, the events recorded', async () => {
      const { log, store } = ports();
      const unseen = new Error('not visible yet');
      const recording = recordDecision(
        { log, store },
        awaitingProjection([consentWithdrawn('u1', 'c1', 1_000)], {
          read: async () => null,
          until: (value) => value !== null,
          timeoutMs: 30,
          unseen: () => unseen,
        }),
      );
      await expect(recording).rejects.toBe(unseen);
      expect(log.events).toHaveLength(1);
    });

    it('answers anyway when the decision gives no error for an unseen change', async () => {
      const { log, store } = ports();
      const seen = await recordDecision(
        { log, store },
        awaitingProjection([consentWithdrawn('u1', 'c1', 1_000)], {
          read: async () => null,
          until: (value) => value !== null,
          timeoutMs: 30,
        }),
      );
      expect(seen).toBeUndefined();
    });

    describe('when a read finds the store unavailable, the events already recorded', () => {
      /** A read that fails `failures` times as a Redis command that timed out does, then finds the value. */
      function flakyRead<T>(failures: number, value: T) {
        let calls = 0;
        return async () => {
          calls += 1;
          if (calls <= failures) throw new ProjectionStoreUnavailableError('redis unavailable');
          return value;
        };
      }

      it('keeps waiting, and resolves with what it then reads', async () => {
        const { log, store } = ports();
        const seen = await recordDecision(
          { log, store },
          awaitingProjection([consentWithdrawn('u1', 'c1', 1_000)], {
            read: flakyRead(2, 1_000),
            until: (cutoff) => cutoff === 1_000,
            timeoutMs: 2_000,
            unseen: () => new Error('not visible yet'),
          }),
        );
        expect(seen).toBe(1_000);
        expect(log.events).toHaveLength(1);
      });

      it('answers anyway when the store stays unavailable and the decision gives no error', async () => {
        const { log, store } = ports();
        const seen = await recordDecision(
          { log, store },
          awaitingProjection([consentWithdrawn('u1', 'c1', 1_000)], {
            read: async (): Promise<number> => {
              throw new ProjectionUnavailableError('the projection is being rebuilt');
            },
            until: (cutoff) => cutoff === 1_000,
            timeoutMs: 30,
          }),
        );
        expect(seen).toBeUndefined();
        expect(log.events).toHaveLength(1);
      });

      it('fails with the decision’s error, not the store’s, when the store stays unavailable', async () => {
        const { log, store } = ports();
        const unseen = new Error('not visible yet');
        const recording = recordDecision(
          { log, store },
          awaitingProjection([consentWithdrawn('u1', 'c1', 1_000)], {
            read: flakyRead(Number.POSITIVE_INFINITY, null),
            until: (value) => value !== null,
            timeoutMs: 30,
            unseen: () => unseen,
          }),
        );
        await expect(recording).rejects.toBe(unseen);
      });

      it('still fails at once on an error that is not the store’s', async () => {
        const { log, store } = ports();
        const bug = new TypeError('a bug in the read');
        const recording = recordDecision(
          { log, store },
          awaitingProjection([consentWithdrawn('u1', 'c1', 1_000)], {
            read: async () => {
              throw bug;
            },
            until: () => true,
            timeoutMs: 2_000,
          }),
        );
        await expect(recording).rejects.toBe(bug);
      });
    });

    it('writes through first when asked to, then waits', async () => {
      const { log } = ports();
      const order: string[] = [];
      await recordDecision(
        { log, store: { writeThrough: async (events) => void order.push(`through ${events.length}`) } },
        {
          events: [tokenRevoked('t1', later())],
          readOwnWrite: {
            kind: 'write-through',
            thenWait: { read: async () => order.push('read'), until: () => true },
          },
        },
      );
      expect(order).toEqual(['through 1', 'read']);
    });
  });
});
