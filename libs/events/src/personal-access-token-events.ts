import { z } from 'zod';
import { envelopeFields } from './envelope';

const patAggregate = { ...envelopeFields, version: z.literal(1) };
const epochSeconds = z.number().int().nonnegative();

/**
 * A personal access token as every service sees it. Each event carries the whole record, so
 * the compacted users topic, which keeps only the newest event per token, still rebuilds it.
 */
export const personalAccessTokenSnapshotSchema = z.object({
  tokenId: z.string().min(1),
  userId: z.string().min(1),
  name: z.string().min(1),
  scopes: z.array(z.string()),
  createdAt: epochSeconds,
  expiresAt: epochSeconds,
  revokedAt: epochSeconds.nullable(),
  /**
   * The grant a third-party client's access token minted it through; the token ends with that
   * grant. Absent when minted by an operator or with a first-party client's token.
   */
  grant: z.object({ grantId: z.string().min(1), clientId: z.string().min(1) }).optional(),
});
export type PersonalAccessTokenSnapshot = z.infer<typeof personalAccessTokenSnapshotSchema>;

/** Who acted: the user through an access token of a client, or an operator through the admin API. */
const actorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), userId: z.string().min(1), clientId: z.string().nullable() }),
  z.object({ kind: z.literal('admin') }),
]);

export const personalAccessTokenCreatedSchema = z.object({
  ...patAggregate,
  type: z.literal('PersonalAccessTokenCreated'),
  data: z.object({ token: personalAccessTokenSnapshotSchema, by: actorSchema }),
});

export const personalAccessTokenRevokedSchema = z.object({
  ...patAggregate,
  type: z.literal('PersonalAccessTokenRevoked'),
  data: z.object({ token: personalAccessTokenSnapshotSchema, by: actorSchema }),
});
