import { z } from 'zod';
import { resourceUriSchema } from '@grantline/lib-events';
import { scopeList } from '../clients/client-input';

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
