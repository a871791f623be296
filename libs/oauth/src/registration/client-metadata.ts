import { z } from 'zod';
import { clientJwkSetSchema, grantTypeSchema } from '@grantline/lib-events';
import { OAuthError, invalidClientMetadata, invalidRedirectUri } from '../errors';
import { openIdMetadataFields } from '../openid/client-openid-settings';

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** A URL a person may be shown or sent to: http(s) only, never a script. */
const webPageUrl = z
  .string()
  .max(2000)
  .url()
  .refine((value) => /^https?:\/\//i.test(value), 'must be an http or https URL');

/**
 * Client metadata of RFC 7591 §2 as a registration or update sends it. Members this server does
 * not know are dropped (RFC 7591 §2: ignored); known ones it does not keep (contacts, tos_uri, …)
 * are dropped too, and the answer shows what was registered.
 */
export const clientMetadataSchema = z.object({
  redirect_uris: z.array(z.string().max(2000)).max(100).default([]),
  token_endpoint_auth_method: z
    .enum(['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'])
    .default('client_secret_basic'),
  grant_types: z.array(grantTypeSchema).min(1).optional(),
  response_types: z.array(z.string()).optional(),
  client_name: z.string().min(1).max(200).optional(),
  client_uri: webPageUrl.optional(),
  logo_uri: webPageUrl.optional(),
  scope: z
    .string()
    .max(2000)
    .transform((value) => [...new Set(value.split(' ').filter((scope) => scope !== ''))])
    .pipe(z.array(z.string().regex(SCOPE_TOKEN, 'is not a scope token (RFC 6749 section 3.3)')))
    .optional(),
  jwks: clientJwkSetSchema.optional(),
  jwks_uri: z
    .string()
    .max(2000)
    .url()
    .regex(/^https:\/\//, 'must be an https URL')
    .optional(),
  software_id: z.string().min(1).max(200).optional(),
  software_version: z.string().min(1).max(200).optional(),
  software_statement: z.string().optional(),
  /** Absent: the operator's default (GRANTLINE_REGISTRATION_DEFAULT_APPLICATION_TYPE, web unless set). */
  application_type: z.enum(['web', 'native']).optional(),
  /** OpenID Connect Registration §2, RP-Initiated Logout §3.1, Back-Channel Logout §2.2. */
  ...openIdMetadataFields,
});
export type ClientMetadata = z.infer<typeof clientMetadataSchema>;

/**
 * The metadata of a registration request, or the RFC 7591 §3.2.2 error for the first member that
 * is malformed: `invalid_redirect_uri` for a redirect URI, `invalid_client_metadata` otherwise.
 */
export function parseClientMetadata(body: unknown): ClientMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidClientMetadata('The client metadata must be a JSON object');
  }
  const parsed = clientMetadataSchema.safeParse(body);
  if (parsed.success) {
    // RFC 7591 §3.1.1: a statement this server has not approved (it approves none).
    if (parsed.data.software_statement !== undefined) {
      throw new OAuthError('unapproved_software_statement', 'Software statements are not accepted', 400);
    }
    return parsed.data;
  }
  const issue = parsed.error.issues[0];
  const field = String(issue?.path[0] ?? 'metadata');
  const description = `${field}: ${issue?.message ?? 'is invalid'}`;
  throw field === 'redirect_uris' ? invalidRedirectUri(description) : invalidClientMetadata(description);
}
