import { MongoClient } from 'mongodb';
import { KafkaEventLog } from '@grantline/lib-event-log';
import { streams } from '@grantline/lib-events';
import type { LogFacts } from './oracles';

/** Reads the whole log of a namespace and the audit store, for the oracles. */
export async function readLogFacts(options: {
  brokers: string;
  mongodbUrl: string;
  namespace: string;
}): Promise<LogFacts> {
  const issued = new Map<string, number>();
  const revoked = new Map<string, number>();
  const events: Array<{ eventId: string; occurredAt: number }> = [];
  const log = new KafkaEventLog({
    brokers: options.brokers.split(','),
    clientId: 'grantline-faults',
    topicPrefix: `${options.namespace}.`,
    appendTimeoutMs: 10_000,
  });
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  try {
    await log.replay(streams, async (event) => {
      events.push({ eventId: event.eventId, occurredAt: Date.parse(event.occurredAt) });
      if (event.type === 'AccessTokenIssued') bump(issued, event.data.jti);
      if (event.type === 'AccessTokenRevoked') bump(revoked, event.data.jti);
    });
  } finally {
    await log.close();
  }
  return { issued, revoked, events, audit: await auditCounts(options.mongodbUrl, options.namespace) };
}

/** Audit entries per event id. */
export async function auditCounts(mongodbUrl: string, database: string): Promise<Map<string, number>> {
  const mongo = new MongoClient(mongodbUrl, { serverSelectionTimeoutMS: 5_000 });
  const counts = new Map<string, number>();
  try {
    await mongo.connect();
    const cursor = mongo
      .db(database)
      .collection('audit_events')
      .find({}, { projection: { eventId: 1, _id: 0 } });
    for await (const entry of cursor) {
      const id = String(entry.eventId);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  } finally {
    await mongo.close();
  }
  return counts;
}
