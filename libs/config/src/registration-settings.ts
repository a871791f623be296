import { z } from 'zod';

const DAY = 24 * 60 * 60;

/** A space- or comma-separated list of words, as settings spell lists. */
const wordList = <const T extends readonly [string, ...string[]]>(allowed: T) =>
  z
    .string()
    .transform((value) => [...new Set(value.split(/[\s,]+/).filter((word) => word !== ''))])
    .pipe(z.array(z.enum(allowed)));

/** The grant types and authentication methods a self-registered client may be given. */
const DYNAMIC_GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:device_code',
  'client_credentials',
] as const;
const DYNAMIC_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;

/**
 * Dynamic client registration (RFC 7591) and management (RFC 7592): who may register, and what a
 * client that registered itself may have (docs/decisions/0043-dynamic-client-registration.md).
 */
export const registrationSettings = {
  GRANTLINE_REGISTRATION: z
    .enum(['off', 'token', 'open'])
    .default('off')
    .describe(
      "Dynamic client registration at /oauth/register: 'off', 'token' (an initial access token from " +
        "GRANTLINE_REGISTRATION_INITIAL_ACCESS_TOKENS is required) or 'open' (anyone, limited per caller address).",
    ),
  GRANTLINE_REGISTRATION_INITIAL_ACCESS_TOKENS: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((token) => token.trim())
        .filter((token) => token !== ''),
    )
    .pipe(z.array(z.string().min(32, 'each initial access token must have at least 32 characters')))
    .describe(
      "Comma-separated initial access tokens (RFC 7591 §3) accepted as Bearer tokens when GRANTLINE_REGISTRATION is 'token'; " +
        'two during a rotation. Provision them from a secret, at least 32 random characters each.',
    ),
  GRANTLINE_REGISTRATION_LIMIT_PER_HOUR: z.coerce
    .number()
    .int()
    .positive()
    .default(20)
    .describe("Registrations allowed per caller address per hour when GRANTLINE_REGISTRATION is 'open'."),
  GRANTLINE_REGISTRATION_GRANT_TYPES: wordList(DYNAMIC_GRANT_TYPES)
    .default(['authorization_code', 'refresh_token'])
    .describe('Grant types a self-registered client may ask for.'),
  GRANTLINE_REGISTRATION_AUTH_METHODS: wordList(DYNAMIC_AUTH_METHODS)
    .default(['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'])
    .describe('Token endpoint authentication methods a self-registered client may register (RFC 7591 §2).'),
  GRANTLINE_REGISTRATION_SCOPES: z
    .string()
    .default('')
    .transform((value) => [...new Set(value.split(/[\s,]+/).filter((scope) => scope !== ''))])
    .describe('Scopes a self-registered client may ask for; one that asks for none gets all of them.'),
  GRANTLINE_REGISTRATION_MAX_REDIRECT_URIS: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .describe('The most redirect URIs a self-registered client may have.'),
  GRANTLINE_REGISTRATION_DEFAULT_APPLICATION_TYPE: z
    .enum(['web', 'native'])
    .default('web')
    .describe(
      "The kind of a registering client whose metadata names no application_type: 'web' (https redirects) or " +
        "'native' (loopback and private-use redirects, as many MCP clients register).",
    ),
  GRANTLINE_DYNAMIC_CLIENT_IDLE_TTL: z.coerce
    .number()
    .int()
    .min(60)
    .max(365 * DAY)
    .optional()
    .describe(
      'A self-registered client to which no token was issued for this many seconds is deleted; at most, and by ' +
        'default, GRANTLINE_TOKENS_RETENTION, whose events say when it was last used.',
    ),
  GRANTLINE_DYNAMIC_CLIENT_SWEEP_INTERVAL: z.coerce
    .number()
    .int()
    .min(1)
    .max(DAY)
    .default(60 * 60)
    .describe('How often, in seconds, each token service replica looks for idle self-registered clients.'),
};

type RegistrationConfig = z.infer<z.ZodObject<typeof registrationSettings>> & { GRANTLINE_TOKENS_RETENTION: number };

/** Settings that contradict each other, with the setting each problem is reported on. */
export function registrationProblems(config: RegistrationConfig): Array<{ setting: string; message: string }> {
  const problems: Array<{ setting: string; message: string }> = [];
  if (config.GRANTLINE_REGISTRATION === 'token' && config.GRANTLINE_REGISTRATION_INITIAL_ACCESS_TOKENS.length === 0) {
    problems.push({
      setting: 'GRANTLINE_REGISTRATION_INITIAL_ACCESS_TOKENS',
      message: "is required when GRANTLINE_REGISTRATION is 'token'",
    });
  }
  // A rebuilt projection knows a client's last use only from the token events the log still keeps.
  const idleTtl = config.GRANTLINE_DYNAMIC_CLIENT_IDLE_TTL;
  if (idleTtl !== undefined && idleTtl > config.GRANTLINE_TOKENS_RETENTION) {
    problems.push({
      setting: 'GRANTLINE_DYNAMIC_CLIENT_IDLE_TTL',
      message: `must not exceed GRANTLINE_TOKENS_RETENTION (${config.GRANTLINE_TOKENS_RETENTION} s): the tokens topic says when a client was last used`,
    });
  }
  return problems;
}
