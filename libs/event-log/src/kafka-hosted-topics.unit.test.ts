import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { isNotHostedYet } from './kafka-hosted-topics';

/** A broker's error answer as kafkajs raises it: the message, and the code's name as `type`. */
const protocolError = (type: string, message: string) => Object.assign(new KafkaJSProtocolError(message), { type });
const notHosted = () => protocolError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition');

describe('errors that time cures after topics are created', () => {
  it('recognises the broker saying it does not host the partition yet', () => {
    expect(isNotHostedYet(notHosted())).toBe(true);
  });

  it('recognises it too once kafkajs has given up retrying and wrapped it', () => {
    expect(isNotHostedYet(new KafkaJSNumberOfRetriesExceeded(notHosted(), { retryCount: 5, retryTime: 3000 }))).toBe(
      true,
    );
  });

  it('leaves every other error alone', () => {
    expect(isNotHostedYet(new Error('Connection refused'))).toBe(false);
    expect(isNotHostedYet('UNKNOWN_TOPIC_OR_PARTITION')).toBe(false);
    expect(isNotHostedYet(protocolError('TOPIC_AUTHORIZATION_FAILED', 'Not authorized to access topics'))).toBe(false);
  });
});
