import { Long, MongoBulkWriteError, MongoClient, MongoServerError, type Collection, type Filter } from 'mongodb';
import { auditEntryOf } from './audit-entry';
import type { AuditEntry, AuditQuery, AuditRecord, AuditStore } from './audit-port';
import { raiseOffsets } from './audit-positions';
import { traceparentPrefix } from './audit-trace';

const DUPLICATE_KEY = 11000;
/** Event ids fetched a round trip when streaming them all. */
const EVENT_ID_BATCH = 10_000;

/** One document per `<stream>:<partition>`: the last offset recorded there. */
interface PositionDocument {
  _id: string;
  offset: Long;
}

/**
 * MongoDB audit projection; only inserts, finds, plain indexes and `$max` upserts, so FerretDB
 * serves it too. Positions live in the same database as the entries (`audit_positions`), so a
 * backup and its restore carry both (docs/decisions/0023).
 */
export class MongoAuditStore implements AuditStore {
  private constructor(
    private readonly client: MongoClient,
    private readonly collection: Collection<AuditEntry>,
    private readonly positionsCollection: Collection<PositionDocument>,
  ) {}

  static async connect(url: string, database: string, collectionName = 'audit_events'): Promise<MongoAuditStore> {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000, serverMonitoringMode: 'poll' });
    await client.connect();
    const db = client.db(database);
    const collection = db.collection<AuditEntry>(collectionName);
    const store = new MongoAuditStore(client, collection, db.collection<PositionDocument>('audit_positions'));
    await store.prepare();
    return store;
  }

  /** Creates the collection's indexes, the unique event id first; a no-op when they exist. */
  async prepare(): Promise<void> {
    const collection = this.collection;
    await collection.createIndex({ eventId: 1 }, { unique: true, name: 'event_id_unique' });
    await collection.createIndex({ subject: 1, occurredAt: 1 }, { name: 'by_subject' });
    await collection.createIndex({ clientId: 1, occurredAt: 1 }, { name: 'by_client' });
    await collection.createIndex({ type: 1, occurredAt: 1 }, { name: 'by_type' });
    await collection.createIndex({ traceparent: 1 }, { name: 'by_trace' });
    await collection.createIndex({ occurredAt: 1 }, { name: 'by_time' });
  }

  async recordAll(records: readonly AuditRecord[], known?: ReadonlyMap<string, string>): Promise<boolean> {
    if (records.length === 0) return true;
    await this.insert(records);
    // After the entries, and without a transaction (FerretDB has none): a crash in between leaves
    // positions behind the entries, which only replays events the unique id then ignores.
    const raises = [...raiseOffsets(records.map(({ position }) => position))].map(([partition, offset]) => {
      const floor = known?.get(partition);
      const update = { $max: { offset: Long.fromString(offset) } };
      // Never upserted over a position that should be there: raising a restored or vanished one would hide the gap.
      return floor === undefined
        ? { updateOne: { filter: { _id: partition }, update, upsert: true } }
        : { updateOne: { filter: { _id: partition, offset: { $gte: Long.fromString(floor) } }, update } };
    });
    const result = await this.positionsCollection.bulkWrite(raises, { ordered: false });
    return result.matchedCount + result.upsertedCount === raises.length;
  }

  async positions(): Promise<Map<string, string>> {
    const documents = await this.positionsCollection.find({}).toArray();
    return new Map(documents.map((document) => [document._id, String(document.offset)]));
  }

  /** Calls back each time the driver reaches the server again after losing it (a restart, a failover). */
  onReconnect(listener: () => void): void {
    this.client.on('serverDescriptionChanged', ({ previousDescription, newDescription }) => {
      if (previousDescription.type === 'Unknown' && newDescription.type !== 'Unknown') listener();
    });
  }

  private async insert(records: readonly AuditRecord[]): Promise<void> {
    try {
      // Unordered: one round trip, and an entry already there (a redelivery) does not stop the rest.
      await this.collection.insertMany(
        records.map(({ event, position }) => auditEntryOf(event, position)),
        { ordered: false },
      );
    } catch (error) {
      // The unique event id makes a redelivered event a no-op; anything else is a real failure.
      if (onlyDuplicates(error)) return;
      throw error;
    }
  }

  async find(query: AuditQuery): Promise<AuditEntry[]> {
    const filter: Filter<AuditEntry> = {};
    if (query.clientId !== undefined) filter.clientId = query.clientId;
    if (query.subject !== undefined) filter.subject = query.subject;
    if (query.type !== undefined) filter.type = query.type;
    // An anchored prefix, so the index serves it; entries recorded before this filter existed match too.
    if (query.traceId !== undefined) filter.traceparent = { $regex: `^${traceparentPrefix(query.traceId)}` };
    if (query.from !== undefined || query.to !== undefined) {
      filter.occurredAt = {
        ...(query.from ? { $gte: query.from } : {}),
        ...(query.to ? { $lte: query.to } : {}),
      };
    }
    return this.collection
      .find(filter, { projection: { _id: 0 } })
      .sort({ occurredAt: 1 })
      .limit(query.limit ?? 100)
      .toArray() as Promise<AuditEntry[]>;
  }

  /** A plain find with a projection, batch by batch: no sort and no aggregation, so FerretDB serves it. */
  async *eventIds(): AsyncIterable<string> {
    const cursor = this.collection.find({}, { projection: { eventId: 1, _id: 0 }, batchSize: EVENT_ID_BATCH });
    for await (const entry of cursor) yield entry.eventId;
  }

  async ping(): Promise<boolean> {
    try {
      await this.client.db('admin').command({ ping: 1 });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** Whether a failed insert failed only on entries that were already there. */
function onlyDuplicates(error: unknown): boolean {
  if (error instanceof MongoBulkWriteError) {
    const failures = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    if (error.result.getWriteConcernError() !== undefined) return false;
    return failures.length > 0 && failures.every((failure) => failure.code === DUPLICATE_KEY);
  }
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}
