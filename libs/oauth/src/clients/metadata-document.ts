import { clientJwkSetSchema, clientSnapshotSchema } from '@grantline/lib-events';
import type { ClientRecord } from '@grantline/lib-projections';
import { z } from 'zod';
import { parseScope } from '../scopes';
import {
  openIdMetadataFields,
  openIdSettingsRefusal,
  postLogoutRedirectUriRefusal,
  type OpenIdEnvironment,
} from '../openid/client-openid-settings';
import { redirectUriRefusal } from './redirect-uri-policy';

const httpsUrl = z
  .string()
  .max(2048)
  .refine((value) => URL.canParse(value) && value.startsWith('https://'), 'must be an https URL');

/**
 * The fields of a client ID metadata document Grantline reads (RFC 7591 §2 names them); others
 * are ignored. A document cannot hold a secret, so no `client_secret_*` method
 * (draft-ietf-oauth-client-id-metadata-document §4); the flows are the redirect-based ones.
 * OpenID Connect metadata is read as a registration sends it, but for `sector_identifier_uri`:
 * the document is fetched already, so a pairwise client's sector is the one host of its redirect
 * URIs (decision 0050).
 */
const { sector_identifier_uri: _sectorIdentifierUri, ...openIdDocumentFields } = openIdMetadataFields;

const metadataDocumentSchema = z.object({
  client_id: z.string(),
  redirect_uris: z.array(z.string().min(1).max(2048)).min(1).max(20),
  token_endpoint_auth_method: z
    .string()
    .default('none')
    .refine(
      (method) => method === 'none' || method === 'private_key_jwt',
      'must be none or private_key_jwt: a metadata document cannot hold a shared secret',
    ),
  grant_types: z
    .array(z.enum(['authorization_code', 'refresh_token']))
    .min(1)
    .default(['authorization_code'])
    .refine((types) => types.includes('authorization_code'), 'must include authorization_code'),
  response_types: z.array(z.literal('code')).optional(),
  client_name: z.string().trim().min(1).max(200).optional(),
  client_uri: httpsUrl.optional(),
  logo_uri: httpsUrl.optional(),
  scope: z.string().max(2000).optional(),
  jwks: clientJwkSetSchema.optional(),
  jwks_uri: httpsUrl.optional(),
  client_secret: z.undefined({ error: 'a metadata document must not hold a client_secret' }).optional(),
  client_secret_expires_at: z.undefined({ error: 'a metadata document must not hold a secret' }).optional(),
  ...openIdDocumentFields,
});

/** What a client known by its metadata document may be given, as the operator set it. */
export interface MetadataDocumentPolicy {
  /** The scopes such a client may ask for; a document's `scope` can only narrow them. */
  scopes: readonly string[];
  /** What a document's OpenID Connect settings must fit. */
  openid: OpenIdEnvironment;
}

/** Where a client's identity comes from: the document (by hash) and the host that served it. */
export interface MetadataDocumentOrigin {
  sha256: string;
  host: string;
}

export type MetadataDocumentCheck =
  { ok: true; client: ClientRecord; origin: MetadataDocumentOrigin } | { ok: false; problem: string };

/**
 * Turns the document fetched from `url` into a client: public, or confidential with its keys
 * (`private_key_jwt`); never first-party, so the person is always asked.
 */
export function clientFromMetadataDocument(
  url: string,
  body: unknown,
  document: { sha256: string; fetchedAt: number },
  policy: MetadataDocumentPolicy,
): MetadataDocumentCheck {
  const parsed = metadataDocumentSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `${issue?.path.join('.') || 'the document'}: ${issue?.message ?? 'invalid'}` };
  }
  const metadata = parsed.data;
  // §4: the document names the URL it was fetched from, exactly.
  if (metadata.client_id !== url) return { ok: false, problem: 'client_id is not the URL of the document' };
  const badRedirect = metadata.redirect_uris.find(
    (uri) => !URL.canParse(uri) || uri.includes('#') || redirectUriRefusal(uri) !== null,
  );
  if (badRedirect !== undefined) return { ok: false, problem: `redirect_uris: ${badRedirect} cannot be used` };
  const postLogoutRedirectUris = [...new Set(metadata.post_logout_redirect_uris ?? [])];
  const badPostLogout = postLogoutRedirectUris.find((uri) => postLogoutRedirectUriRefusal(uri) !== null);
  if (badPostLogout !== undefined) {
    return { ok: false, problem: `post_logout_redirect_uris: ${badPostLogout} cannot be used` };
  }
  const withKeys = metadata.jwks !== undefined || metadata.jwks_uri !== undefined;
  if (metadata.token_endpoint_auth_method === 'private_key_jwt') {
    if (metadata.jwks !== undefined && metadata.jwks_uri !== undefined) {
      return { ok: false, problem: 'private_key_jwt: jwks or jwks_uri, not both' };
    }
    if (!withKeys) return { ok: false, problem: 'private_key_jwt needs jwks_uri or jwks' };
  } else if (withKeys) {
    return { ok: false, problem: 'a client with token_endpoint_auth_method none has no keys' };
  }
  let scopes: readonly string[];
  try {
    const asked = parseScope(metadata.scope);
    scopes = asked === undefined ? policy.scopes : policy.scopes.filter((scope) => asked.includes(scope));
  } catch {
    return { ok: false, problem: 'scope is malformed' };
  }
  const host = new URL(url).host;
  const isPublic = metadata.token_endpoint_auth_method === 'none';
  const client = clientSnapshotSchema.safeParse({
    clientId: url,
    name: metadata.client_name ?? host,
    secretHash: null,
    public: isPublic,
    grantTypes: metadata.grant_types,
    scopes: [...scopes],
    redirectUris: metadata.redirect_uris,
    webOrigins: [],
    firstParty: false,
    jwks: metadata.jwks ?? null,
    jwksUri: metadata.jwks_uri ?? null,
    openid: {
      idTokenSignedResponseAlg: metadata.id_token_signed_response_alg ?? null,
      subjectType: metadata.subject_type ?? 'public',
      defaultMaxAge: metadata.default_max_age ?? null,
      requireAuthTime: metadata.require_auth_time ?? false,
      postLogoutRedirectUris,
      backchannelLogoutUri: metadata.backchannel_logout_uri ?? null,
      backchannelLogoutSessionRequired: metadata.backchannel_logout_session_required ?? false,
    },
    createdAt: new Date(document.fetchedAt * 1000).toISOString(),
  });
  if (!client.success) return { ok: false, problem: client.error.issues[0]?.message ?? 'invalid client' };
  const refusal = openIdSettingsRefusal(client.data, policy.openid);
  if (refusal !== null) return { ok: false, problem: refusal };
  return { ok: true, client: client.data, origin: { sha256: document.sha256, host } };
}
