import { Kafka, logLevel } from 'kafkajs';
import type { BenchRecord } from './adapter';
import { tokenIssuedRecord } from './events';

export const PARTITIONS = 6;

/** The bench's own topics, created and deleted with the kafkajs admin client whatever client is measured. */
export class BenchTopics {
  private readonly kafka: Kafka;
  private readonly created: string[] = [];

  constructor(brokers: string[]) {
    this.kafka = new Kafka({ clientId: 'kafka-clients-bench-admin', brokers, logLevel: logLevel.NOTHING });
  }

  async create(topics: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
      });
      this.created.push(...topics);
    } finally {
      await admin.disconnect();
    }
  }

  /** Appends `count` token events to `topic`, in large batches, and waits for every ack. */
  async fill(topic: string, count: number): Promise<void> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const chunk = 2_000;
      for (let sent = 0; sent < count; sent += chunk) {
        const records: BenchRecord[] = [];
        for (let index = sent; index < Math.min(count, sent + chunk); index += 1)
          records.push(tokenIssuedRecord(index));
        await producer.send({
          topic,
          acks: -1,
          messages: records.map((r) => ({ key: r.key, value: r.value, headers: { traceparent: r.traceparent } })),
        });
      }
    } finally {
      await producer.disconnect();
    }
  }

  /** Deletes every topic this instance created, and the consumer groups the bench used. */
  async deleteAll(groupIds: readonly string[]): Promise<void> {
    if (this.created.length === 0 && groupIds.length === 0) return;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      if (groupIds.length > 0) await admin.deleteGroups([...groupIds]).catch(() => undefined);
      if (this.created.length > 0) await admin.deleteTopics({ topics: [...this.created], timeout: 10_000 });
      this.created.length = 0;
    } finally {
      await admin.disconnect();
    }
  }
}
