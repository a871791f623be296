import type { Config } from '@grantline/lib-config';
import type { KafkaEventLogOptions } from '@grantline/lib-event-log';
import { readCaFile, readText, type ReadText } from './ca-file';

export type KafkaConnectionSecurity = Pick<KafkaEventLogOptions, 'ssl' | 'sasl'>;

type KafkaSecuritySettings = Pick<
  Config,
  | 'GRANTLINE_KAFKA_TLS'
  | 'GRANTLINE_KAFKA_TLS_CA_FILE'
  | 'GRANTLINE_KAFKA_SASL_MECHANISM'
  | 'GRANTLINE_KAFKA_SASL_USERNAME'
  | 'GRANTLINE_KAFKA_SASL_PASSWORD'
>;

/**
 * kafkajs `ssl` and `sasl` from the settings: TLS with the system CAs, or with the CA file's
 * (read here, once); SASL with the mechanism and credentials. The schema has already refused
 * half-configured SASL; none of this is logged.
 */
export function kafkaConnectionSecurity(
  config: KafkaSecuritySettings,
  read: ReadText = readText,
): KafkaConnectionSecurity {
  const security: KafkaConnectionSecurity = {};
  if (config.GRANTLINE_KAFKA_TLS) {
    const caFile = config.GRANTLINE_KAFKA_TLS_CA_FILE;
    security.ssl = caFile ? { ca: [readCaFile('GRANTLINE_KAFKA_TLS_CA_FILE', caFile, read)] } : true;
  }
  const mechanism = config.GRANTLINE_KAFKA_SASL_MECHANISM;
  const username = config.GRANTLINE_KAFKA_SASL_USERNAME;
  const password = config.GRANTLINE_KAFKA_SASL_PASSWORD;
  if (mechanism && username !== undefined && password !== undefined) {
    security.sasl = { mechanism, username, password };
  }
  return security;
}
