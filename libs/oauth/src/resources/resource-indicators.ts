import { isResourceUri } from '@grantline/lib-events';
import { readResources, type ClientRecord, type RecordReader, type ResourceRecord } from '@grantline/lib-projections';
import { invalidTarget } from '../errors';

/**
 * The resources a token is for. Empty means none was asked for and the client has no default:
 * the token carries the server's own audience, as before resources existed.
 */
export type TokenResources = readonly ResourceRecord[];

/**
 * Resolves the `resource` parameters of a request that starts a grant (authorization, device
 * authorization, client credentials) against the registry and the client's registration. Each
 * must be an absolute URI without a fragment, registered, and one the client may ask for;
 * otherwise the request is refused with invalid_target (RFC 8707 §2). Without any, the
 * client's default resource applies.
 */
export async function resolveRequestedResources(
  store: RecordReader,
  client: Pick<ClientRecord, 'resources' | 'defaultResource'>,
  requested: readonly string[],
  ownAudience: string,
): Promise<TokenResources> {
  if (namesOwnApi(requested, ownAudience)) return [];
  const uris =
    requested.length > 0 ? distinct(requested) : client.defaultResource === null ? [] : [client.defaultResource];
  // RFC 8707 §2: an absolute URI, without a fragment.
  const malformed = uris.filter((uri) => !isResourceUri(uri));
  if (malformed.length > 0) throw invalidTarget('resource must be an absolute URI without a fragment');
  const refused = client.resources === null ? [] : uris.filter((uri) => !client.resources?.includes(uri));
  if (refused.length > 0) throw invalidTarget(`This client may not ask for the resource ${refused.join(' ')}`);
  return readRegistered(store, uris);
}

/**
 * The resources of one token from a grant that already holds some: the code's, the device
 * authorization's or the refresh token's. A request may name some of them to get a token for
 * just those (RFC 8707 §2.2), never one the grant does not hold.
 */
export async function narrowGrantedResources(
  store: RecordReader,
  granted: readonly string[],
  requested: readonly string[],
  ownAudience: string,
): Promise<TokenResources> {
  if (namesOwnApi(requested, ownAudience)) {
    if (granted.length > 0) throw invalidTarget('The grant does not include the resource asked for');
    return [];
  }
  const beyond = distinct(requested).filter((uri) => !granted.includes(uri));
  if (beyond.length > 0) throw invalidTarget('The grant does not include the resource asked for');
  return readRegistered(store, requested.length > 0 ? distinct(requested) : granted);
}

/**
 * The scopes a token for these resources carries: those the resources offer, among the ones
 * granted. A token for no resource keeps them all (the server's own audience).
 */
export function scopesForResources(scopes: readonly string[], resources: TokenResources): string[] {
  if (resources.length === 0) return [...scopes];
  const offered = new Set(resources.flatMap((resource) => resource.scopes));
  return scopes.filter((scope) => offered.has(scope));
}

/** The identifiers of the resources, for sealed grants and events. */
export function resourceUris(resources: TokenResources): string[] {
  return resources.map((resource) => resource.uri);
}

async function readRegistered(store: RecordReader, uris: readonly string[]): Promise<ResourceRecord[]> {
  if (uris.length === 0) return [];
  const found = await readResources(store, uris);
  const records = found.filter((resource): resource is ResourceRecord => resource !== null);
  if (records.length < uris.length) throw invalidTarget('The resource asked for is not registered');
  return records;
}

/**
 * Whether a request names the server's own API: its access-token audience, the `resource` of its
 * protected resource metadata (RFC 9728), as a client that read that metadata sends it. Named
 * alone it asks for what a grant without resources gets, the server's own audience, whatever
 * the client's default. It cannot share a token with another resource.
 */
function namesOwnApi(requested: readonly string[], ownAudience: string): boolean {
  const uris = distinct(requested);
  if (!uris.includes(ownAudience)) return false;
  if (uris.length > 1) throw invalidTarget("A token for the server's own API cannot be for another resource too");
  return true;
}

function distinct(uris: readonly string[]): string[] {
  return [...new Set(uris)];
}
