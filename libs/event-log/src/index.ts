export * from './port';
export { FileEventLog } from './file-event-log';
export { MemoryEventLog } from './memory-event-log';
export { KafkaEventLog, type KafkaEventLogOptions } from './kafka-event-log';
export { topicSpecs, topicName, type TopicSpec } from './kafka-topology';
export {
  partitionKey,
  type PositionedSubscribeOptions,
  type PositionedSubscription,
  type StartAt,
} from './kafka-positioned-consumer';
export { assertTopicRetention, TopicRetentionError } from './kafka-retention';
export { DEFAULT_TOKENS_RETENTION_MS } from './kafka-topology';
