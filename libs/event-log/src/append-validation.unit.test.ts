import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidEventError, type GrantlineEvent } from '@grantline/lib-events';
import { sampleEvents } from '@grantline/lib-events/testing';
import { FileEventLog } from './file-event-log';
import { KafkaEventLog } from './kafka-event-log';
import { MemoryEventLog } from './memory-event-log';
import type { EventLog } from './port';

const events = sampleEvents({ now: () => new Date('2026-03-01T12:00:00.000Z') });
const [valid] = events;
const pat = events.find((event) => event.type === 'PersonalAccessTokenCreated');
if (!valid || !pat) throw new Error('missing samples');
const malformed = { ...valid, occurredAt: 'yesterday' } as GrantlineEvent;
const patOnTokens: GrantlineEvent = { ...pat, aggregate: { type: 'token', id: pat.aggregate.id } };

interface Adapter {
  log: EventLog;
  /** Everything the adapter wrote, read back past the log's own API. */
  written(): unknown[];
  cleanUp(): Promise<void>;
}

function memory(): Adapter {
  const log = new MemoryEventLog();
  return { log, written: () => log.events, cleanUp: () => log.close() };
}

function file(): Adapter {
  const dir = mkdtempSync(join(tmpdir(), 'grantline-refused-'));
  const path = join(dir, 'events.jsonl');
  const log = new FileEventLog(dir);
  return {
    log,
    written: () => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []),
    cleanUp: async () => {
      await log.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** No broker listens on port 1: any produce request would fail as unavailable, and is counted. */
function kafka(): Adapter {
  const produced: number[] = [];
  const log = new KafkaEventLog({
    brokers: ['127.0.0.1:1'],
    clientId: 'refused-append-test',
    topicPrefix: 'unused.',
    appendTimeoutMs: 5_000,
    metrics: { sent: (_, count) => void produced.push(count), lag: () => undefined },
  });
  return { log, written: () => produced, cleanUp: () => log.close() };
}

describe.each([
  ['memory', memory],
  ['file', file],
  ['Kafka', kafka],
])('the %s log', (_, adapter) => {
  let subject: Adapter;
  let delivered: GrantlineEvent[];
  beforeEach(async () => {
    subject = adapter();
    delivered = [];
    if (subject.log instanceof KafkaEventLog) return;
    await subject.log.subscribe({
      groupId: 'g',
      streams: ['clients', 'users', 'tokens'],
      fromBeginning: true,
      handleBatch: async (batch) => void delivered.push(...batch.map(({ event }) => event)),
    });
  });
  afterEach(() => subject.cleanUp());

  it.each([
    ['a malformed event', malformed],
    ['an event whose aggregate is on another stream than its type', patOnTokens],
  ])('refuses a whole append holding %s, and writes nothing', async (__, bad) => {
    await expect(subject.log.append([valid, bad])).rejects.toBeInstanceOf(InvalidEventError);
    expect(subject.written()).toEqual([]);
    expect(delivered).toEqual([]);
  });
});

it('names the refused event type and field, not its values', async () => {
  const log = new MemoryEventLog();
  await expect(log.append([malformed])).rejects.toThrow(/#0 ClientRegistered \(occurredAt: invalid_format\)/);
  await expect(log.append([malformed])).rejects.not.toThrow(/yesterday/);
});
