import type { Attributes, Meter } from '@opentelemetry/api';
import { METRICS } from './metric-names';
import type { GrantlineMetrics } from './metrics-port';

/**
 * Buckets for one produce request: an acks=all round trip takes milliseconds, and the alert
 * draws its line at 250 ms.
 */
const PRODUCE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * How long a partition's lag is shown after its last batch; then it reads 0. A lagging consumer
 * is handed batches continuously: one that has had none for this long is caught up and idle, or
 * lost the partition in a rebalance, and its last value would only mislead (the new owner reports
 * its own). The SDK keeps every series it has seen, so a stale one is set to 0, not dropped.
 */
export const LAG_SHOWN_MS = 60_000;

/**
 * The Kafka client's instruments: produce requests as the messaging semantic conventions name
 * them (`messaging.client.operation.duration`, `messaging.client.sent.messages`), and consumer lag
 * per partition as Grantline's own gauge, observed at collection from the last value of each.
 */
export function kafkaInstruments(
  meter: Meter,
  service: string,
  now: () => number = Date.now,
): Pick<GrantlineMetrics, 'eventsSent' | 'consumerLag'> {
  const duration = meter.createHistogram(METRICS.produceDuration.name, {
    description: 'Duration of Kafka produce requests (one per batch of events)',
    unit: 's',
    advice: { explicitBucketBoundaries: PRODUCE_BUCKETS },
  });
  // Built once: the attributes of every successful send are the same object.
  const sendAttributes: Attributes = { service, 'messaging.system': 'kafka', 'messaging.operation.name': 'send' };
  // Summed here and read at collection: a plain addition per send instead of a second SDK record.
  const sent = new Map<string | undefined, { attributes: Attributes; events: number }>([
    [undefined, { attributes: sendAttributes, events: 0 }],
  ]);
  meter
    .createObservableCounter(METRICS.eventsSent.name, { description: 'Events produced to Kafka' })
    .addCallback((result) => {
      for (const total of sent.values()) result.observe(total.events, total.attributes);
    });
  const lags = new Map<string, { attributes: Attributes; events: number; at: number }>();
  meter
    .createObservableGauge(METRICS.consumerLag.name, {
      description: 'Events a consumer group is behind the high watermark of a partition, after its last batch',
    })
    .addCallback((result) => {
      const shownSince = now() - LAG_SHOWN_MS;
      for (const [key, lag] of lags) {
        const stale = lag.at < shownSince;
        result.observe(stale ? 0 : lag.events, lag.attributes);
        if (stale) lags.delete(key);
      }
    });
  return {
    eventsSent: (seconds, events, errorType) => {
      let total = sent.get(errorType);
      if (!total) {
        total = { attributes: { ...sendAttributes, 'error.type': errorType }, events: 0 };
        sent.set(errorType, total);
      }
      total.events += events;
      duration.record(seconds, total.attributes);
    },
    consumerLag: (consumer, topic, partition, events) =>
      lags.set(`${consumer}\n${topic}\n${partition}`, {
        attributes: { consumer, topic, partition },
        events,
        at: now(),
      }),
  };
}
