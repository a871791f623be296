import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * What fetching a client ID metadata document gave: its JSON text and the SHA-256 of its bytes,
 * or a failure (remembered briefly, so one id cannot make every request fetch). `fetchedAt` is
 * in epoch seconds.
 */
export const cachedClientDocumentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('document'), json: z.string(), sha256: z.string().min(1), fetchedAt: z.number().int() }),
  z.object({ kind: z.literal('failed'), fetchedAt: z.number().int() }),
]);
export type CachedClientDocument = z.infer<typeof cachedClientDocumentSchema>;

/**
 * The shared copy of fetched client ID metadata documents, keyed by URL. Not a projection of
 * the log: each entry lives until its own expiry, and losing it costs one fetch.
 */
export interface ClientDocumentCache {
  get(url: string): Promise<CachedClientDocument | null>;
  put(url: string, entry: CachedClientDocument, ttlSeconds: number): Promise<void>;
}

/** A fixed-length key for a URL of any length. */
export function clientDocumentKey(url: string): string {
  return `client-document:${createHash('sha256').update(url).digest('base64url')}`;
}
