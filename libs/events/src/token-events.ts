import { z } from 'zod';
import { envelopeFields } from './envelope';
import { grantTypeSchema } from './client-events';

const tokenAggregate = { ...envelopeFields, version: z.literal(1) };
const epochSeconds = z.number().int().nonnegative();

/** RFC 8693 §4.1: the party acting for the subject; a nested `act` names the actor before it. */
export interface ActorClaim {
  sub: string;
  act?: ActorClaim;
}

const actorClaimSchema: z.ZodType<ActorClaim> = z
  .object({
    sub: z.string().min(1),
    get act() {
      return actorClaimSchema.optional();
    },
  })
  .meta({ id: 'ActorClaim' });

/** Records an issued access token by its id (`jti`); the token value never enters the log. */
export const accessTokenIssuedSchema = z.object({
  ...tokenAggregate,
  type: z.literal('AccessTokenIssued'),
  data: z.object({
    jti: z.string().min(1),
    clientId: z.string().min(1),
    subject: z.string().min(1),
    scope: z.string(),
    grantType: grantTypeSchema,
    issuedAt: epochSeconds,
    expiresAt: epochSeconds,
    /** The user grant the token belongs to; absent for client_credentials. */
    grantId: z.string().min(1).optional(),
    /** The RFC 7638 thumbprint of the DPoP key the token is bound to (RFC 9449); absent for Bearer tokens. */
    jkt: z.string().min(1).optional(),
    /** The resources (RFC 8707) the token is for, its `aud`; absent when it carries the server's own audience. */
    resources: z.array(z.string().min(1)).min(1).optional(),
    /** RFC 8693 §4.1: on a token issued by exchange with an actor token, who acts for the subject. */
    act: actorClaimSchema.optional(),
    /** On a token issued by token exchange (RFC 8693): the tokens it was obtained for. */
    exchange: z
      .object({
        /** The `jti` of the subject token. */
        subjectTokenId: z.string().min(1),
        /** The `jti` of the actor token, when one was presented. */
        actorTokenId: z.string().min(1).optional(),
      })
      .optional(),
    /** On a token issued for a JWT bearer assertion (RFC 7523 §2.1): who vouched for the subject, and what was mapped. */
    assertion: z
      .object({
        /** The trusted issuer of the assertion, its `iss`. */
        issuer: z.string().min(1),
        /** The assertion's claims copied into the token, by their name there. */
        claims: z.record(z.string(), z.string()),
      })
      .optional(),
  }),
});

export const accessTokenRevokedSchema = z.object({
  ...tokenAggregate,
  type: z.literal('AccessTokenRevoked'),
  data: z.object({
    jti: z.string().min(1),
    clientId: z.string().min(1),
    /** Kept so projections can drop the revocation marker once the token would have expired. */
    expiresAt: epochSeconds,
    /** Who asked: the authenticated client, or null when the token alone was presented. */
    revokedBy: z.string().nullable(),
  }),
});
