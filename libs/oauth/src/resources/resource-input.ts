import { z } from 'zod';
import { resourceUriSchema } from '@grantline/lib-events';

/** Space or comma separated, or a list; duplicates dropped; each an RFC 6749 §3.3 scope token. */
const scopeList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(/[\s,]+/)))
  .transform((scopes) => [...new Set(scopes.filter((scope) => scope !== ''))])
  .pipe(z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'invalid scope token')));

/** Admin API and CLI input for registering a resource (RFC 8707). */
export const registerResourceSchema = z
  .object({
    uri: resourceUriSchema,
    name: z.string().trim().min(1).max(200),
    scopes: scopeList.default([]),
  })
  .strict();
export type RegisterResourceInput = z.infer<typeof registerResourceSchema>;

export const updateResourceSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    scopes: scopeList.optional(),
  })
  .strict();
export type UpdateResourceInput = z.infer<typeof updateResourceSchema>;
