import type { KafkaEventLogOptions } from '@grantline/lib-event-log';
import type { GrantlineMetrics } from '@grantline/lib-telemetry';

type EventLogMetrics = NonNullable<KafkaEventLogOptions['metrics']>;

/** The Kafka log's own measurements, recorded as the services' metrics. */
export function eventLogMetrics(metrics: GrantlineMetrics): EventLogMetrics {
  return {
    sent: (seconds, events, errorType) => metrics.eventsSent(seconds, events, errorType),
    lag: (groupId, topic, partition, events) => metrics.consumerLag(groupId, topic, partition, events),
  };
}
