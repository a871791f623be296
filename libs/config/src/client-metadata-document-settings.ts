import { z } from 'zod';

const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');
const seconds = z.coerce.number().int();

/**
 * The settings of client ID metadata documents: clients whose `client_id` is an https URL
 * serving their metadata (docs/decisions/0044-client-id-metadata-documents.md).
 */
export const clientMetadataDocumentSettings = {
  GRANTLINE_CLIENT_METADATA_DOCUMENTS: flag
    .default(true)
    .describe('Accept clients whose client_id is an https URL serving their metadata document (no registration).'),
  GRANTLINE_CLIENT_METADATA_SCOPES: z
    .string()
    .default('')
    .transform((value) => [...new Set(value.split(/[\s,]+/).filter((scope) => scope !== ''))])
    .refine(
      (scopes) => scopes.every((scope) => /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope)),
      'scope tokens (RFC 6749 §3.3)',
    )
    .describe('The scopes a client known by its metadata document may ask for (space- or comma-separated).'),
  GRANTLINE_CLIENT_METADATA_CACHE_MIN: seconds
    .min(1)
    .max(3600)
    .default(60)
    .describe('The shortest time a fetched metadata document is kept, seconds, whatever its cache headers say.'),
  GRANTLINE_CLIENT_METADATA_CACHE_MAX: seconds
    .min(1)
    .max(7 * 24 * 3600)
    .default(24 * 3600)
    .describe('The longest time a fetched metadata document is kept, seconds, whatever its cache headers say.'),
  GRANTLINE_CLIENT_METADATA_CACHE_DEFAULT: seconds
    .min(1)
    .max(7 * 24 * 3600)
    .default(3600)
    .describe('How long a metadata document whose answer has no cache headers is kept, seconds (within the bounds).'),
  GRANTLINE_CLIENT_METADATA_FAILURE_CACHE: seconds
    .min(1)
    .max(600)
    .default(30)
    .describe('How long a failed fetch of a metadata document is remembered before it is tried again, seconds.'),
};
