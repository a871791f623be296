import type { ClientRecord, ProjectionStore } from '@grantline/lib-projections';
import { invalidClient } from './error-challenge';
import { invalidRequest } from './errors';
import { header, type OAuthRequest } from './http-types';
import type { VerifiedSecretCache } from './client-secret';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface AuthenticatedClient {
  client: ClientRecord;
  method: ClientAuthMethod;
}

export interface PresentedCredentials {
  clientId: string;
  secret: string | undefined;
  method: ClientAuthMethod;
  basicAttempted: boolean;
}

/**
 * Reads what the client presented, without looking anything up. Returns null when the request
 * carries no client identification at all.
 */
export function presentedCredentials(request: OAuthRequest, form: Map<string, string>): PresentedCredentials | null {
  const authorization = header(request, 'authorization');
  const bodyId = form.get('client_id');
  const bodySecret = form.get('client_secret');
  if (authorization !== undefined && /^basic /i.test(authorization)) {
    const basic = parseBasic(authorization.slice(6).trim());
    // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request.
    if (bodySecret !== undefined) throw invalidRequest('Use either HTTP Basic or client_secret in the body, not both');
    if (bodyId !== undefined && bodyId !== basic.clientId) {
      throw invalidRequest('client_id in the body does not match the Authorization header');
    }
    return { ...basic, method: 'client_secret_basic', basicAttempted: true };
  }
  if (bodyId === undefined) {
    if (bodySecret !== undefined) throw invalidRequest('client_secret was sent without client_id');
    return null;
  }
  return {
    clientId: bodyId,
    secret: bodySecret,
    method: bodySecret === undefined ? 'none' : 'client_secret_post',
    basicAttempted: false,
  };
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before being joined for Basic. */
function parseBasic(encoded: string): { clientId: string; secret: string } {
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64').toString('utf8') : '';
  const separator = decoded.indexOf(':');
  if (separator <= 0) throw invalidClient('Malformed HTTP Basic credentials', true);
  try {
    const clientId = decodeURIComponent(decoded.slice(0, separator).replace(/\+/g, ' '));
    const secret = decodeURIComponent(decoded.slice(separator + 1).replace(/\+/g, ' '));
    if (clientId === '' || secret === '') throw new Error('empty credential');
    return { clientId, secret };
  } catch (cause) {
    throw invalidClient('Malformed HTTP Basic credentials', true, String(cause));
  }
}

/** Authenticates presented credentials against the client projection. */
export async function authenticateClient(
  credentials: PresentedCredentials,
  store: ProjectionStore,
  secrets: VerifiedSecretCache,
): Promise<AuthenticatedClient> {
  return verifyClientCredentials(credentials, await store.getClient(credentials.clientId), secrets);
}

/**
 * Checks presented credentials against a client record already read. Public clients may only
 * use `none`; confidential ones must prove their secret. Every failure looks the same.
 */
export async function verifyClientCredentials(
  credentials: PresentedCredentials,
  client: ClientRecord | null,
  secrets: VerifiedSecretCache,
): Promise<AuthenticatedClient> {
  const fail = (detail: string) => invalidClient('Client authentication failed', credentials.basicAttempted, detail);
  if (!client) throw fail('unknown client');
  if (client.public) {
    if (credentials.method !== 'none') throw fail('public client presented a secret');
    return { client, method: 'none' };
  }
  if (credentials.secret === undefined || client.secretHash === null) throw fail('confidential client without secret');
  if (!(await secrets.verify(client.clientId, credentials.secret, client.secretHash))) throw fail('wrong secret');
  return { client, method: credentials.method };
}
