/** The SASL mechanisms kafkajs speaks, spelled as GRANTLINE_KAFKA_SASL_MECHANISM takes them. */
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** The settings that secure the connections to Kafka and Redis, as the schema has parsed them. */
export interface ConnectionSecuritySettings {
  GRANTLINE_KAFKA_TLS: boolean;
  GRANTLINE_KAFKA_TLS_CA_FILE?: string | undefined;
  GRANTLINE_KAFKA_SASL_MECHANISM?: SaslMechanism | undefined;
  GRANTLINE_KAFKA_SASL_USERNAME?: string | undefined;
  GRANTLINE_KAFKA_SASL_PASSWORD?: string | undefined;
  REDIS_URL?: string | undefined;
  GRANTLINE_REDIS_TLS_CA_FILE?: string | undefined;
}

export interface SettingProblem {
  setting: keyof ConnectionSecuritySettings;
  message: string;
}

/**
 * Half-configured connection security, which would otherwise show only as a refused or, worse,
 * an unprotected connection. Messages name settings, never their values (the password above all).
 */
export function connectionSecurityProblems(settings: ConnectionSecuritySettings): SettingProblem[] {
  return [...saslProblems(settings), ...caFileProblems(settings)];
}

function saslProblems(settings: ConnectionSecuritySettings): SettingProblem[] {
  const credentials = {
    GRANTLINE_KAFKA_SASL_USERNAME: settings.GRANTLINE_KAFKA_SASL_USERNAME,
    GRANTLINE_KAFKA_SASL_PASSWORD: settings.GRANTLINE_KAFKA_SASL_PASSWORD,
  };
  const missing = Object.keys(credentials).filter(
    (name) => credentials[name as keyof typeof credentials] === undefined,
  );
  if (settings.GRANTLINE_KAFKA_SASL_MECHANISM !== undefined) {
    if (missing.length === 0) return [];
    return [
      {
        setting: 'GRANTLINE_KAFKA_SASL_MECHANISM',
        message: `SASL for Kafka needs a user name and a password: set ${missing.join(' and ')} too.`,
      },
    ];
  }
  if (missing.length === 2) return [];
  return [
    {
      setting: 'GRANTLINE_KAFKA_SASL_MECHANISM',
      message:
        'Kafka SASL credentials are set but no mechanism: set GRANTLINE_KAFKA_SASL_MECHANISM ' +
        `(${SASL_MECHANISMS.join(', ')}), or unset the credentials.`,
    },
  ];
}

/** Why a Redis CA file goes with a `rediss://` URL only. */
const REDIS_CA_NEEDS_TLS =
  'a CA file is set but the Redis URL is not rediss://: use a rediss:// URL (TLS), or unset the CA file.';

/** Whether a Redis URL asks for TLS (`rediss://`). */
function isTlsRedisUrl(url: string): boolean {
  return /^rediss:\/\//i.test(url.trim());
}

function caFileProblems(settings: ConnectionSecuritySettings): SettingProblem[] {
  const problems: SettingProblem[] = [];
  if (settings.GRANTLINE_KAFKA_TLS_CA_FILE !== undefined && !settings.GRANTLINE_KAFKA_TLS) {
    problems.push({
      setting: 'GRANTLINE_KAFKA_TLS_CA_FILE',
      message: 'a CA file is set but GRANTLINE_KAFKA_TLS is false: set GRANTLINE_KAFKA_TLS=true, or unset the CA file.',
    });
  }
  const redisUrl = settings.REDIS_URL;
  if (settings.GRANTLINE_REDIS_TLS_CA_FILE !== undefined && redisUrl !== undefined && !isTlsRedisUrl(redisUrl)) {
    problems.push({ setting: 'GRANTLINE_REDIS_TLS_CA_FILE', message: REDIS_CA_NEEDS_TLS });
  }
  return problems;
}
