import { compactVerify, decodeJwt, decodeProtectedHeader, errors, type JWTPayload } from 'jose';
import type { ClientRecord } from '@grantline/lib-projections';
import { ASSERTION_ALGORITHMS } from '../assertion-algorithms';
import { epochSeconds } from '../clock';
import { invalidClient } from '../error-challenge';
import { invalidRequest } from '../errors';
import type { OAuthContext } from '../oauth-context';
import type { ClientJwk } from './client-keys';
import { CredentialRefused } from './credential-refused';

/** RFC 7523 §2.2: the one assertion type for client authentication with a JWT. */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The algorithms a client's assertion may be signed with: the one list every assertion keeps to. */
export const CLIENT_ASSERTION_ALGORITHMS = ASSERTION_ALGORITHMS;
type AssertionAlgorithm = (typeof CLIENT_ASSERTION_ALGORITHMS)[number];

/** The key type each algorithm is verified with (RFC 7518 §3.1, RFC 8037 §3.1). */
const KEY_TYPE: Record<AssertionAlgorithm, ClientJwk['kty']> = {
  RS256: 'RSA',
  RS384: 'RSA',
  RS512: 'RSA',
  PS256: 'RSA',
  PS384: 'RSA',
  PS512: 'RSA',
  ES256: 'EC',
  ES384: 'EC',
  ES512: 'EC',
  EdDSA: 'OKP',
};

/** A signed JWT with an RSA-4096 signature and a few claims is under 2 KB. */
const MAX_ASSERTION_LENGTH = 8_192;
const MAX_JTI_LENGTH = 256;
/** An assertion is for one request: it may live at most this long from now. */
const MAX_LIFETIME_SECONDS = 300;
/** Clock skew allowed on `exp`, `nbf` and `iat`. */
const SKEW_SECONDS = 10;
/** Keys tried when the assertion names no `kid`: bounded, so a large set cannot cost many verifications. */
const MAX_CANDIDATE_KEYS = 4;

/** What a request presents for `private_key_jwt`: the client the assertion names and the assertion. */
export interface PresentedAssertion {
  clientId: string;
  assertion: string;
}

/**
 * Reads `client_assertion` and `client_assertion_type` (RFC 7521 §4.2) without verifying
 * anything: the client is the assertion's `sub` (RFC 7523 §3), read only to look the client up.
 */
export function presentedAssertion(
  assertion: string | undefined,
  assertionType: string | undefined,
  bodyClientId: string | undefined,
): PresentedAssertion {
  if (assertion === undefined || assertionType === undefined) {
    throw invalidRequest('client_assertion and client_assertion_type must be sent together');
  }
  // RFC 7521 §4.2.1: an assertion that cannot be used is invalid_client.
  const refuse = (detail: string) => invalidClient('Client authentication failed', false, detail);
  if (assertionType !== CLIENT_ASSERTION_TYPE) throw refuse(`unsupported client_assertion_type ${assertionType}`);
  if (assertion.length > MAX_ASSERTION_LENGTH) throw refuse('client_assertion too long');
  let payload: JWTPayload;
  try {
    payload = decodeJwt(assertion);
  } catch {
    throw refuse('client_assertion is not a JWT');
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') throw refuse('client_assertion has no sub');
  // RFC 7521 §4.2: a client_id sent with the assertion must name the same client.
  if (bodyClientId !== undefined && bodyClientId !== payload.sub) {
    throw refuse('client_id does not match the client_assertion sub');
  }
  return { clientId: payload.sub, assertion };
}

/**
 * Proves a client assertion (RFC 7523 §3): signed by one of the client's keys with an allowed
 * algorithm, issued by and about the client, for us, short-lived, and never seen before.
 * Throws `CredentialRefused` for anything that does not hold.
 */
export async function verifyClientAssertion(
  context: OAuthContext,
  assertion: string,
  client: ClientRecord,
  path: string,
): Promise<void> {
  const now = epochSeconds(context.clock);
  const alg = assertionAlgorithm(assertion);
  const payload = await verifySignature(context, assertion, alg, client, now);
  checkClaims(payload, client.clientId, acceptedAudiences(context.settings.issuer, path), now);
  // RFC 7523 §3 (7): the jti is single-use; claimed only once everything else held, so an
  // unverified assertion cannot burn another client's jti. One guard store for every replica.
  const claim = `client-assertion:${client.clientId}:${String(payload.jti)}`;
  // RFC 7519 §2: a NumericDate may be fractional; the guard's expiry is whole seconds.
  if (!(await context.guards.claimOnce(claim, Math.ceil(Number(payload.exp)) + SKEW_SECONDS))) {
    throw new CredentialRefused('client_assertion jti already used');
  }
}

function assertionAlgorithm(assertion: string): AssertionAlgorithm {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(assertion).alg;
  } catch {
    throw new CredentialRefused('client_assertion header is malformed');
  }
  const allowed = CLIENT_ASSERTION_ALGORITHMS.find((candidate) => candidate === alg);
  if (allowed === undefined) throw new CredentialRefused(`client_assertion alg ${String(alg)} is not allowed`);
  return allowed;
}

/**
 * The keys an assertion may be verified with: the one its `kid` names (fetching the client's
 * set again, within limits, when the kid is unknown), else a few keys of the algorithm's type.
 */
async function verifySignature(
  context: OAuthContext,
  assertion: string,
  alg: AssertionAlgorithm,
  client: ClientRecord,
  now: number,
): Promise<JWTPayload> {
  const { kid } = decodeProtectedHeader(assertion);
  const usable = (jwk: ClientJwk) =>
    jwk.kty === KEY_TYPE[alg] && (jwk.alg === undefined || jwk.alg === alg) && jwk.use !== 'enc';
  const pick = (keys: readonly ClientJwk[]) =>
    kid === undefined
      ? keys.filter(usable).slice(0, MAX_CANDIDATE_KEYS)
      : keys.filter((key) => key.kid === kid && usable(key));
  let candidates = pick(await context.clientKeys.keysOf(client, context.fetcher, now));
  if (candidates.length === 0 && kid !== undefined && client.jwksUri !== null) {
    candidates = pick(await context.clientKeys.keysOf(client, context.fetcher, now, true));
  }
  if (candidates.length === 0) throw new CredentialRefused(`no key of the client for kid ${String(kid)} and ${alg}`);
  for (const jwk of candidates) {
    try {
      await compactVerify(assertion, await context.clientKeys.importKey(jwk, alg), { algorithms: [alg] });
      // The claims are checked against our own clock below, not jose's.
      return decodeJwt(assertion);
    } catch (error) {
      if (!(error instanceof errors.JOSEError) && !(error instanceof TypeError)) throw error;
    }
  }
  throw new CredentialRefused('client_assertion signature does not verify with any key of the client');
}

/** RFC 7523 §3: the audience is the authorization server; its issuer or the endpoint's URL identify it. */
function acceptedAudiences(issuer: string, path: string): Set<string> {
  return new Set([issuer, `${issuer}${path}`, `${issuer}/oauth/token`]);
}

function checkClaims(payload: JWTPayload, clientId: string, audiences: Set<string>, now: number): void {
  // RFC 7523 §3 (1), (2): iss and sub are both the client_id.
  if (payload.iss !== clientId || payload.sub !== clientId) throw new CredentialRefused('client_assertion iss/sub');
  // RFC 7523 §3 (3): aud identifies the authorization server.
  const aud = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
  if (!aud.some((value) => audiences.has(value))) throw new CredentialRefused('client_assertion aud');
  // RFC 7523 §3 (4): exp is required; we also bound how far ahead it may be.
  if (typeof payload.exp !== 'number') throw new CredentialRefused('client_assertion has no exp');
  if (payload.exp <= now - SKEW_SECONDS) throw new CredentialRefused('client_assertion expired');
  if (payload.exp > now + MAX_LIFETIME_SECONDS + SKEW_SECONDS) {
    throw new CredentialRefused('client_assertion lives too long');
  }
  // RFC 7523 §3 (5), (6): not before nbf; iat not in the future.
  if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > now + SKEW_SECONDS)) {
    throw new CredentialRefused('client_assertion not yet valid');
  }
  if (payload.iat !== undefined && (typeof payload.iat !== 'number' || payload.iat > now + SKEW_SECONDS)) {
    throw new CredentialRefused('client_assertion issued in the future');
  }
  if (typeof payload.jti !== 'string' || payload.jti === '' || payload.jti.length > MAX_JTI_LENGTH) {
    throw new CredentialRefused('client_assertion needs a jti');
  }
}
