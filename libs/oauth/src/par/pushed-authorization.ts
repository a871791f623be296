import type { OAuthContext } from '../oauth-context';
import type { RequestChannel } from '../authorize/authorization-request';
import { openPushedRequest, REQUEST_URI_PREFIX, type PushedRequest } from './pushed-request';

/** The parameters a GET /oauth/authorize stands for: its own query, or a pushed request's. */
export type AuthorizationParameters =
  | { kind: 'query'; query: string }
  | { kind: 'pushed'; query: string; pushed: PushedRequest }
  /** The reference cannot be trusted: show an error page, never redirect (nothing verified where to). */
  | { kind: 'fatal'; message: string };

/**
 * RFC 9126 §4: with a pushed `request_uri`, only the pushed parameters count; the query's `client_id`
 * must name the client that pushed them, and every other query parameter is ignored. The
 * request is not claimed here: the caller validates it first, so a refused one uses nothing up.
 */
export async function authorizationParametersOf(
  context: Pick<OAuthContext, 'artifacts' | 'clock'>,
  query: string,
): Promise<AuthorizationParameters> {
  const params = new URLSearchParams(query);
  const references = params.getAll('request_uri');
  const [requestUri] = references;
  // A reference of another kind (OpenID Connect Core §6.2) is the checker's to refuse at the redirect URI.
  if (requestUri === undefined || (references.length === 1 && !requestUri.startsWith(REQUEST_URI_PREFIX))) {
    return { kind: 'query', query };
  }
  const clientIds = params.getAll('client_id');
  if (references.length > 1 || clientIds.length > 1) {
    return { kind: 'fatal', message: 'The request repeats request_uri or client_id.' };
  }
  const [clientId] = clientIds;
  if (clientId === undefined) {
    return { kind: 'fatal', message: 'The request does not name a client (client_id is missing).' };
  }
  const pushed = await openPushedRequest(context, requestUri);
  if (!pushed) return { kind: 'fatal', message: 'This sign-in link has expired or is not valid.' };
  if (pushed.clientId !== clientId) {
    return { kind: 'fatal', message: 'This sign-in link was made for another application.' };
  }
  return { kind: 'pushed', query: pushed.query, pushed };
}

/** How parameters that passed `authorizationParametersOf` arrived, for the authorization check. */
export function channelOf(pushed: boolean, context: Pick<OAuthContext, 'settings'>): RequestChannel {
  return pushed ? { pushed: true } : { pushed: false, serverRequiresPush: context.settings.par.required };
}
