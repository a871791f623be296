import { z } from 'zod';
import { ASSERTION_ALGORITHMS } from '../assertion-algorithms';

export { ASSERTION_ALGORITHMS };

/**
 * Claims of an access token and members of an introspection answer that Grantline writes itself;
 * a mapped claim may not take one of these names, so a workload's claims cannot pose as ours.
 */
export const RESERVED_CLAIM_NAMES: ReadonlySet<string> = new Set([
  'active',
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'nbf',
  'jti',
  'scope',
  'client_id',
  'username',
  'token_type',
  'cnf',
  'act',
  'azp',
  'gid',
  'pat',
  'xfr',
  'usr',
  'ext',
]);

/** RFC 6901: a JSON Pointer into the assertion's claims, e.g. `/kubernetes.io/namespace`. */
const jsonPointer = z.string().regex(/^(\/([^~/]|~[01])*)+$/, 'a JSON Pointer such as /kubernetes.io/namespace');

const publicJwk = z
  .looseObject({ kty: z.enum(['RSA', 'EC', 'OKP']), kid: z.string().min(1).optional() })
  .refine(
    (jwk) => !['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((member) => member in jwk),
    'a public key (no private members)',
  );

const seconds = z.number().int().positive();

/** One issuer whose assertions the JWT bearer grant accepts (RFC 7523 §3), as the operator writes it. */
export const trustedIssuerSchema = z
  .strictObject({
    /** The assertion's `iss`, compared exactly (RFC 7523 §3 item 1). */
    issuer: z.string().min(1),
    /** Where the issuer's public keys are published; fetched through the guarded fetcher. */
    jwks_uri: z.url({ protocol: /^https$/ }).optional(),
    /** The issuer's public keys, written down instead of fetched. */
    jwks: z.strictObject({ keys: z.array(publicJwk).min(1) }).optional(),
    /** The `aud` values accepted; at least one must be in the assertion. Default: our issuer and token endpoint URL. */
    audiences: z.array(z.string().min(1)).min(1).optional(),
    /** The claim that names the subject of the token (a JSON Pointer or a top-level name). */
    subject_claim: z.string().min(1).default('sub'),
    /** Subjects allowed, exactly or with a trailing `*` (e.g. `system:serviceaccount:payments:*`); absent allows any. */
    subject_patterns: z.array(z.string().min(1)).min(1).optional(),
    /** Claims copied into the token: the name in the token, and a JSON Pointer into the assertion. */
    claims: z
      .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/), jsonPointer)
      .refine((claims) => Object.keys(claims).every((name) => !RESERVED_CLAIM_NAMES.has(name)), 'a name Grantline uses')
      .default({}),
    /** The client the tokens are issued to; it must be registered with this grant type. */
    client_id: z.string().min(1),
    /** Only a request that authenticates as `client_id` may present this issuer's assertions. */
    require_client_authentication: z.boolean().default(false),
    /** Scopes a token may carry (besides the client's own limit); absent allows the client's. */
    scopes: z.array(z.string().min(1)).optional(),
    /** Resources (RFC 8707) a token may be for; absent allows the client's. */
    resources: z.array(z.string().min(1)).optional(),
    /** Algorithms accepted, among the asymmetric ones. */
    algorithms: z.array(z.enum(ASSERTION_ALGORITHMS)).min(1).default(['RS256', 'ES256']),
    /** The longest an assertion may be valid for, `exp` minus `iat` (or minus now without `iat`). */
    max_assertion_lifetime: seconds.max(7 * 24 * 60 * 60).default(24 * 60 * 60),
    /** Clock difference tolerated on `exp`, `nbf` and `iat`. */
    clock_skew: z.number().int().min(0).max(300).default(30),
    /** Each assertion `jti` is accepted once, by any replica; assertions without `jti` are refused. */
    require_jti_once: z.boolean().default(false),
  })
  .refine((entry) => (entry.jwks === undefined) !== (entry.jwks_uri === undefined), {
    message: 'exactly one of jwks and jwks_uri',
    path: ['jwks'],
  });

/** The settings file: every trusted issuer, each named once. */
export const trustedIssuersDocumentSchema = z
  .strictObject({ issuers: z.array(trustedIssuerSchema) })
  .refine((document) => new Set(document.issuers.map((entry) => entry.issuer)).size === document.issuers.length, {
    message: 'each issuer once',
    path: ['issuers'],
  });

export type TrustedIssuer = z.infer<typeof trustedIssuerSchema>;
export type TrustedIssuersDocument = z.infer<typeof trustedIssuersDocumentSchema>;
