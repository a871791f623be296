import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, errors, jwtVerify, type JWK } from 'jose';
import { epochSeconds } from '../clock';
import type { OAuthRequest } from '../http-types';
import type { OAuthContext } from '../oauth-context';
import { DPOP_ALGORITHMS, invalidDpopProof, useDpopNonce, type ProofSite } from './dpop-errors';
import {
  jwkProblemOf,
  memberOf,
  ProofClaimsSchema,
  ProofHeaderSchema,
  type ProofClaims,
  type ProofJwk,
} from './dpop-proof-schema';

/** A proof is a few hundred bytes; an RSA-4096 key makes it about 1.5 KB. */
const MAX_PROOF_LENGTH = 4_096;
const MAX_JTI_LENGTH = 256;
/** How far ahead of our clock a proof's `iat` may be (clock skew). */
const FUTURE_SKEW_SECONDS = 5;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** Bytes of an EC coordinate or an OKP key per curve (RFC 7518 §6.2.1.2, RFC 8037 §2). */
const COORDINATE_BYTES: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66, Ed25519: 32 };

export interface ProofExpectation {
  site: ProofSite;
  /** The request's path; `htu` must be the configured issuer's origin with it (never the Host header). */
  path: string;
  /** The access token presented with the proof, at resources: `ath` must be its hash. */
  accessToken?: string;
  /** Whether this request needs a server nonce in the proof. */
  nonceRequired: boolean;
}

/** Why a proof was refused: the label of `grantline_dpop_proof_failures`, a small fixed set. */
export type DpopFailure =
  | 'headers'
  | 'too_large'
  | 'malformed'
  | 'typ'
  | 'alg'
  | 'jwk'
  | 'signature'
  | 'jti'
  | 'htm'
  | 'htu'
  | 'iat'
  | 'ath'
  | 'nonce'
  | 'replay'
  | 'required'
  | 'key_mismatch';

/** The refusal for a header member or claim that is missing, of the wrong type, or does not fit. */
const REFUSALS = new Map<string, [DpopFailure, string]>([
  ['typ', ['typ', 'The DPoP proof must have typ dpop+jwt']],
  ['alg', ['alg', `The DPoP proof must be signed with one of ${DPOP_ALGORITHMS.join(', ')}`]],
  ['jwk', ['jwk', 'The DPoP proof must carry a well-formed public jwk']],
  ['jti', ['jti', 'The DPoP proof needs a jti']],
  ['htm', ['htm', 'The DPoP proof is for another HTTP method']],
  ['htu', ['htu', 'The DPoP proof is for another URL']],
  ['iat', ['iat', 'The DPoP proof is too old or from the future']],
  ['ath', ['ath', 'The DPoP proof does not match the access token (ath)']],
  ['nonce', ['nonce', 'The DPoP proof nonce must be a string']],
]);
const MALFORMED: [DpopFailure, string] = ['malformed', 'The DPoP proof is not a JWT'];

export interface VerifiedProof {
  /** RFC 7638 thumbprint of the proof's key. */
  jkt: string;
}

/** The one `DPoP` header of a request, if any; two are refused (RFC 9449 §4.3). */
export function dpopHeaderOf(context: OAuthContext, request: OAuthRequest, site: ProofSite): string | undefined {
  const value = request.headers.dpop;
  if (value === undefined) return undefined;
  // Node joins repeated headers with ", "; a compact JWS never contains a comma.
  if (Array.isArray(value) || value.includes(',')) {
    context.metrics.dpopProofFailed('headers');
    throw invalidDpopProof('Send exactly one DPoP header', site);
  }
  return value;
}

/**
 * RFC 9449 §4.3: checks a DPoP proof and returns its key's thumbprint. Every check runs before
 * the proof's `jti` is claimed (atomically, in the guard store every replica shares): a refused
 * proof uses nothing up, and one accepted by a replica is refused by every other.
 */
export async function verifyDpopProof(
  context: OAuthContext,
  request: OAuthRequest,
  proof: string,
  expected: ProofExpectation,
): Promise<VerifiedProof> {
  const { site } = expected;
  const refuse = (reason: DpopFailure, description: string, detail?: string) => {
    context.metrics.dpopProofFailed(reason);
    return invalidDpopProof(description, site, detail);
  };
  // Descriptions and details are our own words: the caller's text is neither answered nor logged.
  const refuseMember = (member: string | undefined, detail?: string) => {
    const [reason, description] = (member === undefined ? undefined : REFUSALS.get(member)) ?? MALFORMED;
    return refuse(reason, description, detail);
  };
  if (proof.length > MAX_PROOF_LENGTH) throw refuse('too_large', 'The DPoP proof is too large');

  let decoded: ReturnType<typeof decodeProtectedHeader>;
  try {
    decoded = decodeProtectedHeader(proof);
  } catch {
    throw refuse(...MALFORMED);
  }
  // RFC 9449 §4.3 checks 2, 4 and 5, and RFC 7517 §4: a jwk is an object whose members are strings.
  const header = ProofHeaderSchema.safeParse(decoded);
  if (!header.success) {
    const member = memberOf(header.error);
    throw refuseMember(member, member === 'jwk' ? jwkProblemOf(header.error, decoded.jwk) : undefined);
  }
  const { jwk } = header.data;
  const malformed = malformedJwk(jwk);
  if (malformed) throw refuseMember('jwk', malformed);

  let verified: Record<string, unknown>;
  try {
    ({ payload: verified } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: [...DPOP_ALGORITHMS],
    }));
  } catch (error) {
    // jose checks the type of iat itself; its messages can quote the caller (an unknown crit), its codes cannot.
    if (error instanceof errors.JWTClaimValidationFailed && REFUSALS.has(error.claim)) {
      throw refuseMember(error.claim, error.code);
    }
    throw refuse('signature', 'The DPoP proof signature does not verify', codeOf(error));
  }
  const claims = ProofClaimsSchema.safeParse(verified);
  if (!claims.success) throw refuseMember(memberOf(claims.error), 'a claim has the wrong type');
  const { jti, htm, htu, iat, ath, nonce }: ProofClaims = claims.data;

  if (jti === undefined || jti === '' || jti.length > MAX_JTI_LENGTH) throw refuseMember('jti');
  if (htm !== request.method) throw refuseMember('htm');
  if (htu === undefined || !sameTarget(htu, `${context.settings.issuer}${expected.path}`)) throw refuseMember('htu');
  const now = epochSeconds(context.clock);
  const window = context.settings.dpop.proofWindowSeconds;
  if (iat === undefined || iat > now + FUTURE_SKEW_SECONDS || iat < now - window) throw refuseMember('iat');
  if (expected.accessToken !== undefined && ath !== accessTokenHash(expected.accessToken)) throw refuseMember('ath');
  if (expected.accessToken === undefined && ath !== undefined && site === 'token') {
    throw refuse('ath', 'The DPoP proof at the token endpoint carries no ath');
  }
  if (expected.nonceRequired && !context.dpopNonces.accepts(nonce, now)) {
    context.metrics.dpopProofFailed('nonce');
    throw useDpopNonce(context.dpopNonces.current(now), site);
  }

  const jkt = await calculateJwkThumbprint(jwk as JWK, 'sha256');
  // RFC 9449 §11.1: remember the jti for as long as the proof could be accepted, which is through
  // second iat + window; a claim expires at its (whole) second, so it is kept one second longer.
  if (!(await context.guards.claimOnce(`dpop:${jkt}:${jti}`, Math.floor(iat) + window + 1))) {
    throw refuse('replay', 'The DPoP proof was already used');
  }
  return { jkt };
}

/** RFC 9449 §4.2: `ath`, the base64url SHA-256 of the access token. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

/** The `code` of a jose error (a fixed name), never its message. */
function codeOf(error: unknown): string | undefined {
  return error instanceof errors.JOSEError ? error.code : undefined;
}

/** Why a header jwk is not an acceptable public key, or undefined when it is. */
function malformedJwk(jwk: ProofJwk): string | undefined {
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) return 'jwk has private members';
  const bytes = (value: string | undefined) => (value === undefined ? -1 : Buffer.from(value, 'base64url').length);
  switch (jwk.kty) {
    case 'EC': {
      const size = COORDINATE_BYTES[String(jwk.crv)];
      // A coordinate that lost leading zero bytes (e.g. big.Int.Bytes()) is another key's encoding.
      if (!size || bytes(jwk.x) !== size || bytes(jwk.y) !== size) return 'EC coordinates of the wrong length';
      return undefined;
    }
    case 'OKP':
      return jwk.crv === 'Ed25519' && bytes(jwk.x) === 32 ? undefined : 'unsupported OKP key';
    case 'RSA':
      return bytes(jwk.n) >= 256 && bytes(jwk.e) > 0 ? undefined : 'RSA key shorter than 2048 bits';
    default:
      return 'unsupported key type';
  }
}

/** RFC 9449 §4.3 with RFC 3986 §6.2.2-6.2.3 normalisation; a query or fragment never matches. */
function sameTarget(htu: string, expected: string): boolean {
  let given: URL;
  try {
    given = new URL(htu);
  } catch {
    return false;
  }
  const userinfo = given.username !== '' || given.password !== '';
  if (given.search !== '' || given.hash !== '' || userinfo || htu.includes('#') || htu.includes('?')) return false;
  const wanted = new URL(expected);
  return given.origin === wanted.origin && normalPath(given.pathname) === normalPath(wanted.pathname);
}

/** RFC 3986 §6.2.2.1-6.2.2.2: unreserved characters decoded, every other percent-encoding in upper case. */
function normalPath(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_encoded, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}
