export * from './port';
export { BatchingQueue } from './batching-producer';
export { FileEventLog } from './file-event-log';
export { MemoryEventLog } from './memory-event-log';
export { KafkaEventLog, type KafkaEventLogOptions } from './kafka-event-log';
export {
  topicSpecs,
  topicName,
  deadLetterTopicName,
  deadLetterTopicSpec,
  type TopicSpec,
  type DeadLetterTopicSpec,
} from './kafka-topology';
export type { DeadLetter, DeadLetterNote, DeadLetterObserver, DeadLetterSink } from './dead-letter';
export { DEAD_LETTER_MESSAGE, deadLetterLogFields } from './dead-letter';
export { deadLetterHeaderNames } from './kafka-dead-letter-sink';
export type { UnreadableReason } from './record-decoding';
export {
  partitionKey,
  type PositionedLog,
  type PositionedSubscribeOptions,
  type PositionedSubscription,
  type StartAt,
} from './kafka-positioned-consumer';
export { caughtUp, firstBehind, highest, raise } from './offset-maps';
export { assertTopicRetention, TopicRetentionError } from './kafka-retention';
export { DEFAULT_TOKENS_RETENTION_MS } from './kafka-topology';
export { noEventLogMetrics, type EventLogMetrics } from './event-log-metrics';
