import type { ProjectionStore, ResourceRecord } from '@grantline/lib-projections';
import type { KeyRing } from '@grantline/lib-tokens';
import type { ClientDirectory, DirectoryClient } from '../clients/client-directory';
import { isClientIdUrl } from '../clients/client-id-url';
import { resolveRequestedResources, scopesForResources } from '../resources/resource-indicators';
import { authorizationError, OAuthError, type OAuthErrorCode } from '../errors';
import { isWellFormedChallenge } from '../grants/pkce';
import { grantScopes, parseScope } from '../scopes';
import { checkOpenIdRequest, OPENID_PARAMETERS, parsePrompt, type OpenIdRequest, type Prompt } from './openid-request';
import { matchesRegisteredRedirect } from './redirect-uri';
import { refusalChannelOf } from './refused-request-object';
import { responseModeOf, type ResponseMode } from './response-mode';

/** A validated authorization request: everything needed to ask the user and issue a code. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  /** Whether the request named the redirect URI; then the token request must repeat it. */
  redirectUriGiven: boolean;
  scopes: string[];
  state?: string;
  /** The PKCE challenge (S256); absent only for a confidential client let off PKCE (`requirePkce`). */
  codeChallenge?: string;
  /** OpenID Connect Core §3.1.2.1 `prompt`, each value once; absent when none was asked for. */
  prompts?: readonly Prompt[];
  /** Absent: query, the default. */
  responseMode?: ResponseMode;
  /** Present when the scope includes `openid`: the authentication request's own parameters. */
  openid?: OpenIdRequest;
  /** RFC 9449 §10: the thumbprint of the DPoP key the code is bound to. */
  dpopJkt?: string;
  /** RFC 8707: the resources asked for (or the client's default); empty for the server's own audience. */
  resources: readonly ResourceRecord[];
  /** For a client known by its metadata document: which document (SHA-256) and the host it came from. */
  clientDocument?: { sha256: string; host: string };
}

export type AuthorizationRequestCheck =
  /** The client or redirect URI cannot be trusted: show an error page, never redirect. */
  | { kind: 'fatal'; message: string }
  /** Tell the client, at its verified redirect URI (see error-redirect.ts). */
  | { kind: 'redirect-error'; redirectUri: string; state?: string; responseMode: ResponseMode; error: OAuthError }
  | { kind: 'valid'; request: AuthorizationRequest; client: DirectoryClient };

/**
 * How the parameters arrived (RFC 9126): pushed by the client to the PAR endpoint, or in the
 * browser's query, which is refused when the server or the client requires pushing (§5, §6).
 */
export type RequestChannel = { pushed: true } | { pushed: false; serverRequiresPush: boolean };

const SINGLE = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'dpop_jkt',
  'response_mode',
  ...OPENID_PARAMETERS,
];
/** Every parameter this endpoint reads: what a pushed request keeps (RFC 9126 §2.1). */
export const AUTHORIZATION_PARAMETERS: ReadonlySet<string> = new Set([...SINGLE, 'resource']);

/** What checking a request reads: projections, clients, and our keys for an `id_token_hint`. */
export interface AuthorizationRequestPorts {
  store: ProjectionStore;
  clients: ClientDirectory;
  keys: KeyRing;
  settings: { issuer: string };
}

/**
 * Checks an authorization request (a GET /oauth/authorize query, or a pushed one) in the order RFC 6749 §4.1.2.1 asks: first the client and
 * the redirect URI (errors there are never redirected), then everything else (redirected with
 * the error).
 */
export async function checkAuthorizationRequest(
  query: URLSearchParams,
  { store, clients, keys, settings }: AuthorizationRequestPorts,
  ownAudience: string,
  channel: RequestChannel,
): Promise<AuthorizationRequestCheck> {
  const repeated = SINGLE.filter((name) => query.getAll(name).length > 1);
  const clientId = query.get('client_id');
  if (!clientId) return { kind: 'fatal', message: 'The request does not name a client (client_id is missing).' };
  if (repeated.includes('client_id') || repeated.includes('redirect_uri')) {
    return { kind: 'fatal', message: 'The request repeats client_id or redirect_uri.' };
  }
  const client = await clients.find(clientId);
  if (!client && isClientIdUrl(clientId)) {
    return {
      kind: 'fatal',
      message: 'The application that sent you here names itself by a metadata document that could not be used.',
    };
  }
  if (!client) return { kind: 'fatal', message: 'The application that sent you here is not registered.' };
  const given = query.get('redirect_uri');
  let redirectUri: string;
  if (given === null) {
    const [only, ...others] = client.redirectUris;
    if (!only || others.length > 0) {
      return { kind: 'fatal', message: 'The request does not say where to return (redirect_uri is missing).' };
    }
    redirectUri = only;
  } else if (matchesRegisteredRedirect(client, given)) {
    redirectUri = given;
  } else {
    return { kind: 'fatal', message: 'The return address (redirect_uri) is not registered for this application.' };
  }

  const state = query.get('state') ?? undefined;
  // OAuth 2.0 Multiple Response Type Encoding Practices §2.1: a mode we do not offer is refused, in the default one.
  const askedMode = repeated.includes('response_mode') ? null : responseModeOf(query.get('response_mode'));
  const responseMode = askedMode ?? 'query';
  const fail = (code: OAuthErrorCode, description: string): AuthorizationRequestCheck => ({
    kind: 'redirect-error',
    redirectUri,
    ...(state === undefined || repeated.includes('state') ? {} : { state }),
    responseMode,
    error: authorizationError(code, description),
  });
  if (repeated.length > 0) return fail('invalid_request', `Repeated parameter: ${repeated.join(', ')}`);
  if (askedMode === null) return fail('invalid_request', 'response_mode must be query or form_post');
  // OpenID Connect Core §6 and §7.2.1: request objects and inline registration are not supported.
  const requestObject = query.get('request');
  if (requestObject !== null) {
    const refusal: AuthorizationRequestCheck = fail('request_not_supported', 'Request objects are not supported');
    const { responseMode: objectMode, state: objectState } = refusalChannelOf(requestObject);
    return {
      ...refusal,
      ...(query.has('response_mode') || objectMode === undefined ? {} : { responseMode: objectMode }),
      ...(query.has('state') || objectState === undefined ? {} : { state: objectState }),
    };
  }
  if (query.has('registration'))
    return fail('registration_not_supported', 'The registration parameter is not supported');
  if (query.has('request_uri')) {
    // RFC 9126 §2.1: a pushed request carries no request_uri; elsewhere only our own pushed references are.
    if (channel.pushed) return fail('invalid_request', 'request_uri is not accepted here');
    return fail('request_uri_not_supported', 'request_uri is supported only for pushed authorization requests');
  }
  const responseType = query.get('response_type');
  if (!responseType) return fail('invalid_request', 'response_type is required');
  if (responseType !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported');
  if (!client.grantTypes.includes('authorization_code')) {
    return fail('unauthorized_client', 'This client may not use the authorization code flow');
  }
  if (!channel.pushed && (channel.serverRequiresPush || client.requirePushedAuthorizationRequests)) {
    // RFC 9126 §5 and §6: the parameters must come from a pushed authorization request.
    return fail('invalid_request', 'Authorization requests must be pushed to the PAR endpoint first');
  }
  const challenge = query.get('code_challenge') || undefined;
  if (challenge !== undefined || client.requirePkce) {
    if (challenge === undefined) return fail('invalid_request', 'PKCE code_challenge is required');
    const method = query.get('code_challenge_method');
    if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
    if (!isWellFormedChallenge(challenge)) return fail('invalid_request', 'code_challenge is malformed');
  } else if (query.has('code_challenge_method')) {
    return fail('invalid_request', 'code_challenge_method without a code_challenge');
  }
  const prompts = parsePrompt(query.get('prompt'));
  if (!prompts.ok) return fail(prompts.error, prompts.description);

  const dpopJkt = query.get('dpop_jkt') ?? undefined;
  // RFC 7638 SHA-256 thumbprints are 43 base64url characters.
  if (dpopJkt !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(dpopJkt)) {
    return fail('invalid_request', 'dpop_jkt must be a JWK SHA-256 thumbprint (RFC 9449 §10)');
  }

  let scopes: string[];
  let resources: readonly ResourceRecord[];
  try {
    scopes = grantScopes(parseScope(query.get('scope') ?? undefined), client.scopes);
    // RFC 8707 §2: refused at the redirect URI, now that the client and that URI are verified.
    const named = query.getAll('resource').filter((uri) => uri !== '');
    resources = await resolveRequestedResources(store, client, named, ownAudience);
    scopes = scopesForResources(scopes, resources);
  } catch (error) {
    if (error instanceof OAuthError) return fail(error.error, error.error_description);
    throw error;
  }
  // OpenID Connect Core §3.1.2.1: the authentication request's parameters count only with scope openid.
  const openid = scopes.includes('openid')
    ? await checkOpenIdRequest(query, client, { keys, issuer: settings.issuer })
    : undefined;
  if (openid !== undefined && !openid.ok) return fail(openid.error, openid.description);
  return {
    kind: 'valid',
    client,
    request: {
      clientId,
      redirectUri,
      redirectUriGiven: given !== null,
      scopes,
      ...(state === undefined ? {} : { state }),
      ...(challenge === undefined ? {} : { codeChallenge: challenge }),
      ...(prompts.value.length === 0 ? {} : { prompts: prompts.value }),
      ...(responseMode === 'query' ? {} : { responseMode }),
      ...(openid === undefined ? {} : { openid: openid.value }),
      ...(dpopJkt === undefined ? {} : { dpopJkt }),
      resources,
      ...(client.metadataDocument === undefined ? {} : { clientDocument: client.metadataDocument }),
    },
  };
}
