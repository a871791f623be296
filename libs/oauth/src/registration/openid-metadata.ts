import { z } from 'zod';
import { plainOpenIdClient, type OpenIdClient } from '@grantline/lib-events';
import { RemoteFetchError, type RemoteFetcher } from '@grantline/lib-fetch';
import { invalidClientMetadata } from '../errors';
import {
  openIdSettingsRefusal,
  postLogoutRedirectUriRefusal,
  type OpenIdEnvironment,
} from '../openid/client-openid-settings';
import type { ClientMetadata } from './client-metadata';
import type { AdmittedMetadata } from './registration-policy';

/** What a registration's OpenID Connect metadata decided: the settings, and the sector URI to echo. */
export interface AdmittedOpenId {
  openid: OpenIdClient;
  sectorIdentifierUri: string | null;
}

/** A sector identifier document is a short list of URIs. */
const SECTOR_DOCUMENT_MAX_BYTES = 16 * 1024;
const sectorDocumentSchema = z.array(z.string()).max(200);

/**
 * Holds a registration's OpenID Connect metadata (Registration §2) to the server and to the
 * client's other metadata: post-logout redirect URIs by the rules of its redirect URIs, the sector
 * identifier document fetched and checked, then the checks every client passes. A replacement
 * (RFC 7592 §2.2) keeps what only an operator sets. Refusals are `invalid_client_metadata`.
 */
export async function admitOpenIdMetadata(
  metadata: ClientMetadata,
  admitted: AdmittedMetadata,
  environment: OpenIdEnvironment & { fetcher: RemoteFetcher },
  current: OpenIdClient = plainOpenIdClient(),
): Promise<AdmittedOpenId> {
  const postLogoutRedirectUris = [...new Set(metadata.post_logout_redirect_uris ?? [])];
  for (const uri of postLogoutRedirectUris) {
    const refusal = postLogoutRedirectUriRefusal(uri, admitted.applicationType);
    if (refusal !== null) throw invalidClientMetadata(`post_logout_redirect_uris: ${uri} ${refusal}`);
  }
  const sectorIdentifierUri = metadata.sector_identifier_uri ?? null;
  const sectorIdentifierHost =
    sectorIdentifierUri === null
      ? null
      : await sectorHostFromDocument(sectorIdentifierUri, admitted.redirectUris, environment.fetcher);
  const openid: OpenIdClient = {
    idTokenSignedResponseAlg: metadata.id_token_signed_response_alg ?? null,
    subjectType: metadata.subject_type ?? 'public',
    sectorIdentifierHost,
    defaultMaxAge: metadata.default_max_age ?? null,
    requireAuthTime: metadata.require_auth_time ?? false,
    postLogoutRedirectUris,
    backchannelLogoutUri: metadata.backchannel_logout_uri ?? null,
    backchannelLogoutSessionRequired: metadata.backchannel_logout_session_required ?? false,
    endGrantsWithSession: current.endGrantsWithSession,
  };
  const refusal = openIdSettingsRefusal({ openid, redirectUris: admitted.redirectUris }, environment);
  if (refusal !== null) throw invalidClientMetadata(refusal);
  return { openid, sectorIdentifierUri };
}

/**
 * Registration §5 (sector_identifier_uri): an https URL of a JSON array of redirect URIs, which
 * must hold every redirect URI the client registers; its host is the client's sector (Core §8.1).
 * Fetched through the guarded fetcher; why a fetch failed is not told to the client.
 */
async function sectorHostFromDocument(
  uri: string,
  redirectUris: readonly string[],
  fetcher: RemoteFetcher,
): Promise<string> {
  let body: unknown;
  try {
    body = (await fetcher.fetchJson(uri, { maxBytes: SECTOR_DOCUMENT_MAX_BYTES })).body;
  } catch (error) {
    if (error instanceof RemoteFetchError) {
      throw invalidClientMetadata('sector_identifier_uri: the document could not be fetched');
    }
    throw error;
  }
  const listed = sectorDocumentSchema.safeParse(body);
  if (!listed.success) throw invalidClientMetadata('sector_identifier_uri: the document is not a JSON array of URIs');
  const missing = redirectUris.find((redirectUri) => !listed.data.includes(redirectUri));
  if (missing !== undefined) {
    throw invalidClientMetadata(`sector_identifier_uri: the document does not list the redirect URI ${missing}`);
  }
  return new URL(uri).host;
}
