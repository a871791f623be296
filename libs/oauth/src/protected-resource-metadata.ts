import { DPOP_ALGORITHMS, withResourceMetadata } from './error-challenge';
import { OAuthError } from './errors';
import type { OAuthResponse } from './http-types';
import type { OAuthContext } from './oauth-context';
import { PERSONAL_ACCESS_TOKENS_SCOPE } from './personal-access-tokens/pat-input';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * Grantline's own API (`/api/user`, the personal access token endpoints) is one protected
 * resource, identified by the issuer: the audience its tokens carry unless configured otherwise.
 */
export const ownResourceIdentifier = (issuer: string): string => issuer;

/**
 * RFC 9728 §3.1: the metadata URL of a resource inserts the well-known path between the host and
 * the resource identifier's path (with no trailing slash), so an issuer with a path is served too.
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}${WELL_KNOWN}${path}`;
}

/** The path the metadata is served at on the public origin. */
export const protectedResourceMetadataPath = (issuer: string): string =>
  new URL(protectedResourceMetadataUrl(ownResourceIdentifier(issuer))).pathname;

/**
 * RFC 9728 §2: how to get a token for Grantline's own API. Tokens come from Grantline itself, in
 * the Authorization header only (OAuth 2.1 §5.2), as Bearer or DPoP; DPoP is required per client
 * (`requireDpop`), never of the resource as a whole.
 */
export function protectedResourceMetadata(issuer: string): Record<string, unknown> {
  return {
    resource: ownResourceIdentifier(issuer),
    authorization_servers: [issuer],
    scopes_supported: [PERSONAL_ACCESS_TOKENS_SCOPE],
    bearer_methods_supported: ['header'],
    dpop_signing_alg_values_supported: [...DPOP_ALGORITHMS],
    dpop_bound_access_tokens_required: false,
    resource_name: 'Grantline',
  };
}

/** GET /.well-known/oauth-protected-resource (RFC 9728 §3): from settings alone, so it never waits on a store. */
export function protectedResourceMetadataEndpoint(context: Pick<OAuthContext, 'settings'>): OAuthResponse {
  return {
    status: 200,
    headers: { 'Cache-Control': 'public, max-age=300' },
    body: protectedResourceMetadata(context.settings.issuer),
  };
}

/**
 * An endpoint of Grantline's own API: whatever challenge it answers with names the resource's
 * metadata (RFC 9728 §5.1), whichever step refused the request.
 */
export async function asProtectedResource(
  context: Pick<OAuthContext, 'settings'>,
  answer: () => Promise<OAuthResponse>,
): Promise<OAuthResponse> {
  try {
    return await answer();
  } catch (thrown) {
    if (!(thrown instanceof OAuthError)) throw thrown;
    const url = protectedResourceMetadataUrl(ownResourceIdentifier(context.settings.issuer));
    throw withResourceMetadata(thrown, url);
  }
}
