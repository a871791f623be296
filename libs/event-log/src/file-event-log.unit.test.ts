import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import { FileEventLog } from './file-event-log';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'grantline-log-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const deleted = (id: string): GrantlineEvent =>
  stampEvent(
    { type: 'ClientDeleted', aggregate: { type: 'client', id }, data: { clientId: id } },
    { now: () => new Date() },
  );

describe('FileEventLog', () => {
  it('replays every appended event, in order, to a subscriber started later', async () => {
    const dir = tempDir();
    const first = new FileEventLog(dir);
    await first.append([deleted('a'), deleted('b')]);
    await first.close();

    const reopened = new FileEventLog(dir);
    const seen: string[] = [];
    await reopened.subscribe({
      groupId: 'g',
      streams: ['clients'],
      fromBeginning: true,
      handleBatch: async (batch) => {
        for (const { event, position } of batch) seen.push(`${event.aggregate.id}@${position.offset}`);
      },
    });
    await reopened.append([deleted('c')]);
    expect(seen).toEqual(['a@0', 'b@1', 'c@2']);
    await reopened.close();
  });

  it('drops a torn last line left by a crash mid-write', async () => {
    const dir = tempDir();
    const log = new FileEventLog(dir);
    await log.append([deleted('a')]);
    await log.close();
    appendFileSync(join(dir, 'events.jsonl'), '{"eventId":"trunc');
    const reopened = new FileEventLog(dir);
    const seen: string[] = [];
    await reopened.subscribe({
      groupId: 'g',
      streams: ['clients'],
      fromBeginning: true,
      handleBatch: async (batch) => void seen.push(...batch.map(({ event }) => event.aggregate.id)),
    });
    expect(seen).toEqual(['a']);
    await reopened.close();
  });

  it('only delivers the streams a subscriber asked for', async () => {
    const log = new FileEventLog(tempDir());
    const seen: string[] = [];
    await log.subscribe({
      groupId: 'g',
      streams: ['tokens'],
      fromBeginning: true,
      handleBatch: async (batch) => void seen.push(...batch.map(({ event }) => event.type)),
    });
    await log.append([deleted('a')]);
    expect(seen).toEqual([]);
    await log.close();
  });
});
