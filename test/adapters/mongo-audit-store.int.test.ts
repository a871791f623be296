import { MongoClient } from 'mongodb';
import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import { MongoAuditStore, type AuditRecord } from '@grantline/lib-projections';
import { codeRedeemed } from '@grantline/lib-testing';
import { infraFromEnv } from '../stack/stack-fixture';

const database = `taudit${Date.now().toString(36)}`;
const url = infraFromEnv().mongodbUrl;
let audit: MongoAuditStore;

beforeAll(async () => {
  audit = await MongoAuditStore.connect(url, database);
});
afterAll(async () => {
  await audit.close();
  const client = new MongoClient(url);
  await client.connect();
  await client.db(database).dropDatabase();
  await client.close();
});

function records(events: readonly GrantlineEvent[], firstOffset: number): AuditRecord[] {
  return events.map((event, index) => ({
    event,
    position: { stream: 'grants', partition: 0, offset: String(firstOffset + index) },
  }));
}

async function recordedIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const id of audit.eventIds()) ids.push(id);
  return ids.sort();
}

it('records a batch in one insert, and a redelivered batch that overlaps it adds only the new events', async () => {
  const first = Array.from({ length: 5 }, (_, index) => codeRedeemed(`code-${index}`));
  const later = Array.from({ length: 3 }, (_, index) => codeRedeemed(`code-${5 + index}`));
  await audit.recordAll(records(first, 0));

  // A consumer that crashed before committing gets the tail of the first batch again, with new events behind it.
  await audit.recordAll(records([...first.slice(2), ...later], 2));

  const expected = [...first, ...later].map((event) => event.eventId).sort();
  expect(await recordedIds()).toEqual(expected);
  const entry = (await audit.find({ limit: 100 })).find((found) => found.eventId === later[0]?.eventId);
  expect(entry?.position.offset).toBe('5');
  expect(entry?.event).toEqual(later[0]);
});

it('records an empty batch as nothing', async () => {
  const before = await recordedIds();
  await audit.recordAll([]);
  expect(await recordedIds()).toEqual(before);
});

it('finds the entries of one trace by the trace id in their traceparent, oldest first', async () => {
  const traced = (traceId: string, at: string): GrantlineEvent =>
    stampEvent(
      {
        type: 'AuthorizationCodeRedeemed',
        aggregate: { type: 'grant', id: `grant-${traceId.slice(0, 4)}-${at}` },
        data: { grantId: 'g', codeId: `code-${at}`, clientId: 'app' },
      },
      { now: () => new Date(at), traceContext: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } },
    );
  const one = '4bf92f3577b34da6a3ce929d0e0e4736';
  const other = '0af7651916cd43dd8448eb211c80319c';
  const events = [
    traced(one, '2026-03-01T12:00:00.000Z'),
    traced(other, '2026-03-01T11:00:00.000Z'),
    traced(one, '2026-03-01T10:00:00.000Z'),
  ];
  await audit.recordAll(records(events, 100));

  const found = await audit.find({ traceId: one, limit: 10 });
  expect(found.map((entry) => entry.eventId)).toEqual([events[2]?.eventId, events[0]?.eventId]);
  expect(await audit.find({ traceId: 'f'.repeat(32), limit: 10 })).toEqual([]);
});

describe('positions kept with the entries', () => {
  const at = (stream: 'tokens' | 'clients', partition: number, offset: number): AuditRecord => ({
    event: codeRedeemed(`positioned-${stream}-${partition}-${offset}`),
    position: { stream, partition, offset: String(offset) },
  });

  it('raises the last offset of each partition a batch touched, never lowers it, and compares offsets as numbers', async () => {
    expect(await audit.recordAll([at('tokens', 0, 8), at('tokens', 0, 9), at('clients', 1, 3)])).toBe(true);
    expect(await audit.recordAll([at('tokens', 0, 10), at('clients', 1, 2)])).toBe(true);

    const positions = await audit.positions();
    expect([positions.get('tokens:0'), positions.get('clients:1')]).toEqual(['10', '3']);
  });

  it('does not raise a position that no longer stands where the caller knows it stood, and says so', async () => {
    const client = new MongoClient(url);
    await client.connect();
    try {
      // What a restore from an older backup does to the positions.
      await client
        .db(database)
        .collection('audit_positions')
        .updateOne({ _id: 'clients:1' as never }, { $set: { offset: 1 } });
      const known = new Map([
        ['tokens:0', '10'],
        ['clients:1', '3'],
      ]);

      expect(await audit.recordAll([at('tokens', 0, 11), at('clients', 1, 4)], known)).toBe(false);

      const positions = await audit.positions();
      expect([positions.get('tokens:0'), positions.get('clients:1')]).toEqual(['11', '1']);
      expect(await audit.recordAll([at('tokens', 0, 12)], new Map([['tokens:0', '11']]))).toBe(true);
    } finally {
      await client.close();
    }
  });
});
