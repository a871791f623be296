import { z } from 'zod';
import { envelopeFields } from './envelope';

const grantAggregate = { ...envelopeFields, version: z.literal(1) };
const epochSeconds = z.number().int().nonnegative();

/**
 * A grant is one user's authorization of one client: it starts with an authorization code and
 * lives on through its refresh tokens until it expires or is revoked. Artifacts are named by
 * their ids; their values never enter the log.
 */
export const authorizationCodeIssuedSchema = z.object({
  ...grantAggregate,
  type: z.literal('AuthorizationCodeIssued'),
  data: z.object({
    grantId: z.string().min(1),
    codeId: z.string().min(1),
    clientId: z.string().min(1),
    userId: z.string().min(1),
    scope: z.string(),
    redirectUri: z.string(),
    expiresAt: epochSeconds,
    /** RFC 8707: the resources the person consented to; absent for the server's own audience. */
    resources: z.array(z.string().min(1)).min(1).optional(),
    /**
     * For a client known by its metadata document (its client_id is the document's URL): the
     * SHA-256 (base64url) of the document's bytes the person's decision was made with.
     */
    clientMetadataSha256: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/)
      .optional(),
    /** The browser session the code was issued in (OpenID Connect `sid`): ending it can end the grant. */
    sessionId: z.string().min(1).optional(),
  }),
});

export const authorizationCodeRedeemedSchema = z.object({
  ...grantAggregate,
  type: z.literal('AuthorizationCodeRedeemed'),
  data: z.object({ grantId: z.string().min(1), codeId: z.string().min(1), clientId: z.string().min(1) }),
});

const refreshFields = {
  grantId: z.string().min(1),
  refreshId: z.string().min(1),
  clientId: z.string().min(1),
  userId: z.string().min(1),
  scope: z.string(),
  expiresAt: epochSeconds,
  /** The grant's absolute end; no refresh token of the grant outlives it. */
  grantExpiresAt: epochSeconds,
  /** The DPoP key thumbprint a public client's refresh token is bound to (RFC 9449 §5). */
  jkt: z.string().min(1).optional(),
};

export const refreshTokenIssuedSchema = z.object({
  ...grantAggregate,
  type: z.literal('RefreshTokenIssued'),
  data: z.object(refreshFields),
});

export const refreshTokenRotatedSchema = z.object({
  ...grantAggregate,
  type: z.literal('RefreshTokenRotated'),
  data: z.object({
    ...refreshFields,
    previousId: z.string().min(1),
    /** True when the previous token had already been rotated and was accepted within the client's grace period. */
    withinGracePeriod: z.boolean(),
  }),
});

export const artifactReuseDetectedSchema = z.object({
  ...grantAggregate,
  type: z.literal('ArtifactReuseDetected'),
  data: z.object({
    grantId: z.string().min(1),
    artifact: z.enum(['authorization_code', 'refresh_token']),
    artifactId: z.string().min(1),
    clientId: z.string().min(1),
  }),
});

export const grantRevocationReasons = [
  'code_reuse',
  'refresh_token_reuse',
  'refresh_token_revoked',
  /** The browser session the grant started in ended, and its client ends grants with the session. */
  'session_ended',
] as const;

export const grantRevokedSchema = z.object({
  ...grantAggregate,
  type: z.literal('GrantRevoked'),
  data: z.object({
    grantId: z.string().min(1),
    clientId: z.string().min(1),
    reason: z.enum(grantRevocationReasons),
    /** Kept so projections can drop the marker once nothing of the grant can still be valid. */
    expiresAt: epochSeconds,
    revokedBy: z.string().nullable(),
  }),
});

const signInFields = {
  clientId: z.string().min(1),
  /** The caller's address as the edge saw it. */
  remoteAddress: z.string(),
};

export const signInSucceededSchema = z.object({
  ...grantAggregate,
  type: z.literal('SignInSucceeded'),
  data: z.object({ ...signInFields, userId: z.string().min(1) }),
});

export const signInFailureReasons = ['unknown_account', 'wrong_password', 'account_disabled', 'rate_limited'] as const;

/** Never carries the password, nor the typed email of an unknown account. */
export const signInFailedSchema = z.object({
  ...grantAggregate,
  type: z.literal('SignInFailed'),
  data: z.object({ ...signInFields, userId: z.string().nullable(), reason: z.enum(signInFailureReasons) }),
});
