import type { ClientRecord } from '@grantline/lib-projections';
import { clientAuthMethodOf, type RegisteredAuthMethod } from './clients/client-auth-method';
import { presentedAssertion, verifyClientAssertion } from './clients/client-assertion';
import { CredentialRefused } from './clients/credential-refused';
import { invalidClient } from './error-challenge';
import { invalidRequest } from './errors';
import { header, type OAuthRequest } from './http-types';
import type { OAuthContext } from './oauth-context';

export { CredentialRefused } from './clients/credential-refused';

/** The ways a request may present client credentials (RFC 6749 §2.3). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

export interface AuthenticatedClient {
  client: ClientRecord;
  method: ClientAuthMethod;
}

/** What the client presented, by method; read without looking anything up. */
export type PresentedCredentials =
  | { method: 'client_secret_basic'; clientId: string; secret: string; basicAttempted: true }
  | { method: 'client_secret_post'; clientId: string; secret: string; basicAttempted: false }
  | { method: 'private_key_jwt'; clientId: string; assertion: string; secret?: undefined; basicAttempted: false }
  | { method: 'none'; clientId: string; secret?: undefined; basicAttempted: false };

/** The endpoint a client authenticates at: its path, which some credentials must name. */
export interface AuthenticationSite {
  path: string;
}

/**
 * Reads what the client presented, without looking anything up. Returns null when the request
 * carries no client identification at all.
 */
export function presentedCredentials(request: OAuthRequest, form: Map<string, string>): PresentedCredentials | null {
  const authorization = header(request, 'authorization');
  const bodyId = form.get('client_id');
  const bodySecret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  const assertionType = form.get('client_assertion_type');
  const basicEncoded =
    authorization !== undefined && /^basic /i.test(authorization) ? authorization.slice(6).trim() : undefined;
  if (assertion !== undefined || assertionType !== undefined) {
    // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request.
    if (basicEncoded !== undefined || bodySecret !== undefined) {
      throw invalidRequest('Use one client authentication method: a client assertion or a secret, not both');
    }
    return {
      ...presentedAssertion(assertion, assertionType, bodyId),
      method: 'private_key_jwt',
      basicAttempted: false,
    };
  }
  if (basicEncoded !== undefined) {
    const basic = parseBasic(basicEncoded);
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
  return bodySecret === undefined
    ? { clientId: bodyId, method: 'none', basicAttempted: false }
    : { clientId: bodyId, secret: bodySecret, method: 'client_secret_post', basicAttempted: false };
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

/**
 * The one place a client is authenticated at an endpoint that takes client credentials (token,
 * device authorization, and the rest): what was presented, the client it names, the proof.
 * Returns null when nothing identifies a client, for the endpoint to decide what that means.
 */
export async function authenticateClientAt(
  context: OAuthContext,
  request: OAuthRequest,
  form: Map<string, string>,
  site: AuthenticationSite,
): Promise<AuthenticatedClient | null> {
  const credentials = presentedCredentials(request, form);
  if (!credentials) return null;
  return verifyClientCredentials(context, credentials, await context.clients.find(credentials.clientId), site);
}

/** Proves presented credentials against the client's registered credentials, or throws `CredentialRefused`. */
type CredentialCheck = (
  context: OAuthContext,
  credentials: PresentedCredentials,
  client: ClientRecord,
  site: AuthenticationSite,
) => Promise<void>;

const checkSecret: CredentialCheck = async (context, credentials, client) => {
  if (credentials.secret === undefined || client.secretHash === null) throw new CredentialRefused('no secret');
  if (!(await context.secrets.verify(client.clientId, credentials.secret, client.secretHash))) {
    throw new CredentialRefused('wrong secret');
  }
};

const checkAssertion: CredentialCheck = async (context, credentials, client, site) => {
  if (credentials.method !== 'private_key_jwt') throw new CredentialRefused('no client assertion');
  await verifyClientAssertion(context, credentials.assertion, client, site.path);
};

/**
 * How each presented method is proven, and which registered method it belongs to. A client
 * authenticates only with the method its registration implies (RFC 7591 §2): a public client
 * with `none`, a client with a secret with either secret method, a client with keys with a
 * signed assertion (RFC 7523 §2.2).
 */
const METHODS: Record<ClientAuthMethod, { registered: RegisteredAuthMethod; check: CredentialCheck }> = {
  none: { registered: 'none', check: () => Promise.resolve() },
  client_secret_basic: { registered: 'client_secret_basic', check: checkSecret },
  client_secret_post: { registered: 'client_secret_basic', check: checkSecret },
  private_key_jwt: { registered: 'private_key_jwt', check: checkAssertion },
};

/**
 * Checks presented credentials against a client record already read. Every failure looks the
 * same to the caller; the detail is for the logs.
 */
export async function verifyClientCredentials(
  context: OAuthContext,
  credentials: PresentedCredentials,
  client: ClientRecord | null,
  site: AuthenticationSite,
): Promise<AuthenticatedClient> {
  const fail = (detail: string) => invalidClient('Client authentication failed', credentials.basicAttempted, detail);
  if (!client) throw fail('unknown client');
  const method = METHODS[credentials.method];
  if (method.registered !== clientAuthMethodOf(client)) {
    throw fail(`${credentials.method} presented by a ${clientAuthMethodOf(client)} client`);
  }
  try {
    await method.check(context, credentials, client, site);
  } catch (error) {
    if (error instanceof CredentialRefused) throw fail(error.message);
    throw error;
  }
  return { client, method: credentials.method };
}
