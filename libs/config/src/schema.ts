import { z } from 'zod';
import { connectionSecurityProblems, SASL_MECHANISMS } from './connection-security';
import { clientMetadataDocumentSettings } from './client-metadata-document-settings';
import { fetchSettings } from './fetch-settings';
import { registrationProblems, registrationSettings } from './registration-settings';

const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');
const seconds = z.coerce.number().int().positive();
const DAY = 24 * 60 * 60;

/**
 * Every setting Grantline reads, one schema for all services. Each service parses it once at
 * start and reads only the keys it needs. The README's settings table mirrors this file.
 */
const settingsObject = z.object({
  GRANTLINE_ISSUER: z
    .string()
    .url()
    .default('http://localhost:3000')
    .describe('Public origin of the server; the `iss` of tokens and metadata.'),
  GRANTLINE_HOST: z.string().default('127.0.0.1').describe('Address the service listens on.'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('Port the service listens on.'),
  GRANTLINE_TRUST_PROXY: z
    .string()
    .default('')
    .describe("Proxies whose X-Forwarded-For is believed (express 'trust proxy', e.g. 'loopback'); empty trusts none."),
  GRANTLINE_DATA_DIR: z
    .string()
    .default('.grantline/data')
    .describe('Embedded mode: folder holding the event log, signing keys and admin token.'),
  GRANTLINE_SIGNING_KEYS: z
    .string()
    .optional()
    .describe(
      'JSON array of private keys, each a JWK with `kid` or `{ "kid", "alg", "pem" }` (PKCS#1, SEC1 or PKCS#8 PEM); the first signs access tokens, all verify.',
    ),
  GRANTLINE_SIGNING_KEYS_DIR: z
    .string()
    .optional()
    .describe(
      'Folder of `*.jwk.json` private keys (a JWK or a `{ kid, alg, pem }` entry each), read in name order; the first signs.',
    ),
  GRANTLINE_ACCESS_TOKEN_TTL: seconds.default(3600).describe('Access token lifetime in seconds.'),
  GRANTLINE_ACCESS_TOKEN_AUDIENCE: z
    .string()
    .optional()
    .describe('The `aud` of access tokens (RFC 9068); defaults to the issuer.'),
  GRANTLINE_AUTHORIZATION_CODE_TTL: seconds
    .max(60)
    .default(60)
    .describe('Authorization code lifetime in seconds (at most 60).'),
  GRANTLINE_PAR_TTL: seconds
    .max(600)
    .default(60)
    .describe('Lifetime of a pushed authorization request (RFC 9126 `expires_in`), in seconds.'),
  GRANTLINE_REQUIRE_PAR: flag
    .default(false)
    .describe(
      'Accept authorization requests only through pushed authorization requests (RFC 9126 §5); per client otherwise.',
    ),
  GRANTLINE_SESSION_TTL: seconds
    .max(7 * 24 * 60 * 60)
    .default(8 * 60 * 60)
    .describe('How long a sign-in on the authorization page lasts, in seconds (at most 7 days).'),
  GRANTLINE_BACKCHANNEL_LOGOUT_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(10)
    .default(5)
    .describe('How many times a logout token is sent to a client that does not answer 2xx (Back-Channel Logout).'),
  GRANTLINE_BACKCHANNEL_LOGOUT_RETRY_MS: z.coerce
    .number()
    .int()
    .min(1)
    .max(60_000)
    .default(1_000)
    .describe('The pause before the second try of a back-channel logout, in ms; each later pause doubles.'),
  GRANTLINE_ID_TOKEN_TTL: seconds
    .max(24 * 60 * 60)
    .default(60 * 60)
    .describe('Lifetime of an OpenID Connect ID token, in seconds.'),
  GRANTLINE_PAIRWISE_SALT: z
    .string()
    .min(32)
    .optional()
    .describe(
      'Secret mixed into pairwise subject identifiers (OpenID Connect Core §8.1); required for pairwise clients. Never change it: every pairwise `sub` would change.',
    ),
  GRANTLINE_SIGN_IN_LIMIT_PER_ACCOUNT: z.coerce
    .number()
    .int()
    .positive()
    .default(5)
    .describe('Sign-in attempts allowed per account per window.'),
  GRANTLINE_SIGN_IN_LIMIT_PER_ADDRESS: z.coerce
    .number()
    .int()
    .positive()
    .default(30)
    .describe('Sign-in attempts allowed per client address per window.'),
  GRANTLINE_SIGN_IN_WINDOW: seconds.default(15 * 60).describe('The sign-in rate-limit window in seconds.'),
  GRANTLINE_INTROSPECTION_ALLOW_UNAUTHENTICATED: flag
    .default(false)
    .describe('Let callers without client credentials introspect, learning only `active`.'),
  GRANTLINE_INTROSPECTION_UNAUTHENTICATED_LIMIT: z.coerce
    .number()
    .int()
    .positive()
    .default(300)
    .describe('Unauthenticated introspections allowed per caller address per minute.'),
  GRANTLINE_DEVICE_CODE_TTL: seconds
    .max(3600)
    .default(600)
    .describe('Device authorization lifetime in seconds (RFC 8628 `expires_in`).'),
  GRANTLINE_DEVICE_POLL_INTERVAL: seconds
    .max(60)
    .default(5)
    .describe('Seconds a device must wait between polls (RFC 8628 `interval`); each slow_down adds 5.'),
  GRANTLINE_USER_CODE_LIMIT_PER_BROWSER: z.coerce
    .number()
    .int()
    .positive()
    .default(10)
    .describe('Wrong user codes allowed per browser per window on the device verification page.'),
  GRANTLINE_USER_CODE_LIMIT_PER_ADDRESS: z.coerce
    .number()
    .int()
    .positive()
    .default(30)
    .describe('Wrong user codes allowed per client address per window on the device verification page.'),
  GRANTLINE_USER_CODE_WINDOW: seconds.default(15 * 60).describe('The user-code rate-limit window in seconds.'),
  GRANTLINE_DEVICE_POLLING_URL: z
    .string()
    .refine((value) => value.split(',').every((url) => URL.canParse(url.trim())), 'comma-separated URLs')
    .optional()
    .describe(
      'Stack mode: the device-polling service (comma-separated replicas) that token replicas forward device-code polls to.',
    ),
  GRANTLINE_PAT_MAX_TTL: seconds
    .default(365 * 24 * 60 * 60)
    .describe('The longest lifetime a personal access token may be given, in seconds.'),
  GRANTLINE_PAT_DEFAULT_TTL: seconds
    .default(30 * 24 * 60 * 60)
    .describe('Lifetime of a personal access token created without `expires_in`, in seconds.'),
  GRANTLINE_DPOP_PROOF_WINDOW: seconds
    .max(600)
    .default(60)
    .describe(
      'How old a DPoP proof may be (its `iat`), in seconds; its `jti` is remembered that long (RFC 9449 §11.1).',
    ),
  GRANTLINE_DPOP_NONCE: flag
    .default(false)
    .describe('Require a server nonce in every DPoP proof (RFC 9449 §8); per client with --dpop-nonce otherwise.'),
  GRANTLINE_DPOP_NONCE_PERIOD: seconds
    .min(2)
    .max(3600)
    .default(300)
    .describe(
      'How often DPoP nonces rotate, in seconds; the current and the previous one are accepted, so a nonce ' +
        'lives one to two periods (a few seconds let tests see one go stale).',
    ),
  GRANTLINE_TRUSTED_ISSUERS: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The issuers whose JWTs the JWT bearer grant accepts (RFC 7523), as JSON `{"issuers": [...]}`, e.g. a ' +
        "Kubernetes cluster's service-account issuer; unset trusts none (docs/decisions/0045-jwt-bearer-grant.md).",
    ),
  GRANTLINE_TRUSTED_ISSUERS_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('The same as GRANTLINE_TRUSTED_ISSUERS, from a JSON file (a mounted ConfigMap); set one or the other.'),
  ...registrationSettings,
  GRANTLINE_ADMIN_TOKEN: z
    .string()
    .min(32)
    .optional()
    .describe('Bearer token for the admin API used by the CLI (embedded mode generates one).'),
  ...fetchSettings,
  ...clientMetadataDocumentSettings,
  KAFKA_BROKERS: z.string().optional().describe('Comma-separated Kafka bootstrap brokers (stack mode).'),
  GRANTLINE_KAFKA_TOPIC_PREFIX: z.string().default('grantline.').describe('Prefix of every Kafka topic.'),
  GRANTLINE_KAFKA_REPLICATION_FACTOR: z.coerce
    .number()
    .int()
    .positive()
    .default(1)
    .describe('Replication factor for topics the project creates (3 in production).'),
  GRANTLINE_KAFKA_TLS: flag
    .default(false)
    .describe(
      'Connect to the Kafka brokers over TLS (with the system CAs unless GRANTLINE_KAFKA_TLS_CA_FILE names one).',
    ),
  GRANTLINE_KAFKA_TLS_CA_FILE: z
    .string()
    .min(1)
    .optional()
    .describe("PEM file of the CA that signed the Kafka brokers' certificates; needs GRANTLINE_KAFKA_TLS=true."),
  GRANTLINE_KAFKA_SASL_MECHANISM: z
    .enum(SASL_MECHANISMS)
    .optional()
    .describe(
      'SASL mechanism for Kafka (plain, scram-sha-256 or scram-sha-512); needs GRANTLINE_KAFKA_SASL_USERNAME and GRANTLINE_KAFKA_SASL_PASSWORD.',
    ),
  GRANTLINE_KAFKA_SASL_USERNAME: z.string().min(1).optional().describe('SASL user name for Kafka.'),
  GRANTLINE_KAFKA_SASL_PASSWORD: z
    .string()
    .min(1)
    .optional()
    .describe('SASL password for Kafka (from a Secret; never logged).'),
  GRANTLINE_APPEND_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(3000)
    .describe('How long a request waits for the event log before answering 503.'),
  GRANTLINE_SHUTDOWN_DELAY_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(120_000)
    .default(5000)
    .describe(
      'On SIGTERM, how long a service keeps serving with /readyz at 503 (and `Connection: close` on its answers, but for the last quarter, at most 500 ms) before it stops accepting, so that load balancers drop it first (docs/decisions/0024-graceful-shutdown.md).',
    ),
  GRANTLINE_SHUTDOWN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(300_000)
    .default(10_000)
    .describe(
      'After the drain delay, how long requests still in flight may take before their connections are cut; adapters are flushed after it.',
    ),
  GRANTLINE_TOKENS_RETENTION: seconds
    .default(30 * DAY)
    .describe(
      'Retention of the tokens topic in seconds, set when the topic is created; at least the longest token lifetime plus a day, and an existing topic that keeps less is refused at start.',
    ),
  REDIS_URL: z.string().optional().describe('Redis URL for projections and guards (stack mode).'),
  GRANTLINE_REDIS_PREFIX: z.string().default('grantline:').describe('Prefix of every Redis key.'),
  GRANTLINE_REDIS_COMMAND_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(30_000)
    .default(1_000)
    .describe(
      'How long a Redis command may take before the request that needs it fails closed (503, or "not visible yet" after a recorded change), in ms.',
    ),
  GRANTLINE_REDIS_TLS_CA_FILE: z
    .string()
    .min(1)
    .optional()
    .describe("PEM file of the CA that signed the Redis server's certificate; needs a rediss:// REDIS_URL."),
  GRANTLINE_REDIS_EVICTION_CHECK: z
    .enum(['config-get', 'skip'])
    .default('config-get')
    .describe(
      "How services make sure Redis never evicts keys: 'config-get' refuses to start unless CONFIG GET reports maxmemory-policy noeviction; 'skip' trusts the operator (managed Redis without CONFIG).",
    ),
  GRANTLINE_PROJECTION_CHECK_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(50)
    .max(10_000)
    .default(500)
    .describe(
      'How often the projector checks that Redis still holds what it applied, and the audit consumer that MongoDB still holds what it stored (lost data, a restore from an older snapshot or backup); both also check on every reconnect.',
    ),
  GRANTLINE_CONSUMER_READY_MAX_LAG: z.coerce
    .number()
    .int()
    .min(0)
    .default(100_000)
    .describe(
      'Consumer services (projector, audit) report unready while their group is more than this many events behind the end of the log.',
    ),
  MONGODB_URL: z.string().optional().describe('MongoDB URL for the audit projection (stack mode).'),
  GRANTLINE_MONGODB_DATABASE: z.string().default('grantline').describe('MongoDB database for audit.'),
  GRANTLINE_CONSUMER_GROUP_PREFIX: z
    .string()
    .default('grantline.')
    .describe(
      'Prefix of the Kafka consumer groups of the projector, the audit consumer and the back-channel logout notices.',
    ),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .url()
    .optional()
    .describe('OpenTelemetry collector (OTLP/HTTP) to export spans to; unset records no spans.'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Log level of the JSON logs.'),
});

/** The settings, refused as a whole when they contradict each other. */
export const configSchema = settingsObject.superRefine((config, ctx) => {
  const problem = tokensRetentionProblem(config);
  if (problem) ctx.addIssue({ code: 'custom', path: ['GRANTLINE_TOKENS_RETENTION'], message: problem });
  if (config.GRANTLINE_TRUSTED_ISSUERS !== undefined && config.GRANTLINE_TRUSTED_ISSUERS_FILE !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['GRANTLINE_TRUSTED_ISSUERS_FILE'],
      message: 'set it or GRANTLINE_TRUSTED_ISSUERS, not both',
    });
  }
  for (const { setting, message } of [...connectionSecurityProblems(config), ...registrationProblems(config)]) {
    ctx.addIssue({ code: 'custom', path: [setting], message });
  }
  if (config.GRANTLINE_CLIENT_METADATA_CACHE_MIN > config.GRANTLINE_CLIENT_METADATA_CACHE_MAX) {
    ctx.addIssue({
      code: 'custom',
      path: ['GRANTLINE_CLIENT_METADATA_CACHE_MIN'],
      message: 'must not be above GRANTLINE_CLIENT_METADATA_CACHE_MAX',
    });
  }
});

export type Config = z.infer<typeof configSchema>;

/**
 * The default idle lifetime of a client's refresh tokens (`refreshTokenPolicySchema` in lib-events).
 * Clients may be registered with a longer one; this check cannot see them.
 */
const DEFAULT_REFRESH_IDLE_TTL = 14 * DAY;
/** Device records outlive their authorization by an hour (`DEVICE_RECORD_RETENTION_SECONDS` in lib-projections). */
const DEVICE_RECORD_GRACE = 60 * 60;
/** Slack for clock skew between services and for the time a replay of the topic takes. */
const RETENTION_MARGIN = DAY;

type RetentionSettings = Pick<
  Config,
  'GRANTLINE_TOKENS_RETENTION' | 'GRANTLINE_ACCESS_TOKEN_TTL' | 'GRANTLINE_DEVICE_CODE_TTL'
>;

/**
 * How long, in seconds, the tokens topic must keep an event so that a rebuild from it still
 * restores every revocation that matters (docs/decisions/0002-topic-layout.md): the longest
 * time anything it revokes stays usable after the revocation, plus a margin. An access token
 * lives `GRANTLINE_ACCESS_TOKEN_TTL`; a revoked grant mints nothing new, so its last refresh token
 * dies within one idle lifetime; a device authorization and its records last
 * `GRANTLINE_DEVICE_CODE_TTL` plus an hour. Personal access tokens live on the compacted users topic.
 */
export function minimumTokensRetention(settings: Omit<RetentionSettings, 'GRANTLINE_TOKENS_RETENTION'>): number {
  return (
    Math.max(
      settings.GRANTLINE_ACCESS_TOKEN_TTL,
      DEFAULT_REFRESH_IDLE_TTL,
      settings.GRANTLINE_DEVICE_CODE_TTL + DEVICE_RECORD_GRACE,
    ) + RETENTION_MARGIN
  );
}

function tokensRetentionProblem(settings: RetentionSettings): string | undefined {
  const minimum = minimumTokensRetention(settings);
  const retention = settings.GRANTLINE_TOKENS_RETENTION;
  if (retention >= minimum) return undefined;
  const device = settings.GRANTLINE_DEVICE_CODE_TTL + DEVICE_RECORD_GRACE;
  return (
    `must be at least ${minimum} s, not ${retention} s: the tokens topic must keep every revocation while the ` +
    'token it revokes can still be used, or rebuilding the projections from Kafka re-activates that token. ' +
    'Rule: GRANTLINE_TOKENS_RETENTION >= max(GRANTLINE_ACCESS_TOKEN_TTL, the default refresh-token idle lifetime ' +
    `of ${DEFAULT_REFRESH_IDLE_TTL} s, GRANTLINE_DEVICE_CODE_TTL + ${DEVICE_RECORD_GRACE} s) + ${RETENTION_MARGIN} s; ` +
    `here max(${settings.GRANTLINE_ACCESS_TOKEN_TTL}, ${DEFAULT_REFRESH_IDLE_TTL}, ${device}) + ${RETENTION_MARGIN} = ` +
    `${minimum}.`
  );
}
