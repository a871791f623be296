export * from './port';
export { FileEventLog } from './file-event-log';
export { MemoryEventLog } from './memory-event-log';
export { KafkaEventLog, type KafkaEventLogOptions } from './kafka-event-log';
export { topicSpecs, topicName, type TopicSpec } from './kafka-topology';
