import { z } from 'zod';
import { envelopeFields } from './envelope';

/**
 * A resource identifier (RFC 8707 §2): an absolute URI, without a fragment. It is also the
 * audience of the access tokens issued for the resource.
 */
export const resourceUriSchema = z
  .string()
  .max(2048)
  .refine(isResourceUri, 'must be an absolute URI without a fragment (RFC 8707 §2)');

export function isResourceUri(value: string): boolean {
  if (value.includes('#') || /\s/.test(value)) return false;
  return URL.canParse(value);
}

/** RFC 6749 §3.3 scope token. */
const scopeTokenSchema = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/);

/**
 * Resource events carry the whole resource as it is after the change, like client events, so
 * the compacted clients topic rebuilds every resource from the newest event per resource.
 */
export const resourceSnapshotSchema = z
  .object({
    uri: resourceUriSchema,
    /** Shown to people on the consent page. */
    name: z.string().min(1),
    /** The scopes the resource offers; a token for it carries no others. */
    scopes: z.array(scopeTokenSchema),
    createdAt: z.string().datetime(),
  })
  .strict();
export type ResourceSnapshot = z.infer<typeof resourceSnapshotSchema>;

/**
 * The aggregate id, hence the Kafka key on the clients topic, of a resource. Client ids are
 * printable ASCII without a space, so a key with one can never be a client's, and compaction
 * never lets a resource and a client with the same text replace each other.
 */
export function resourceAggregateId(uri: string): string {
  return `resource ${uri}`;
}

const resourceAggregate = { ...envelopeFields, version: z.literal(1) };

export const resourceRegisteredSchema = z.object({
  ...resourceAggregate,
  type: z.literal('ResourceRegistered'),
  data: z.object({ resource: resourceSnapshotSchema }),
});
export const resourceUpdatedSchema = z.object({
  ...resourceAggregate,
  type: z.literal('ResourceUpdated'),
  data: z.object({ resource: resourceSnapshotSchema }),
});
export const resourceDeletedSchema = z.object({
  ...resourceAggregate,
  type: z.literal('ResourceDeleted'),
  data: z.object({ uri: resourceUriSchema }),
});
