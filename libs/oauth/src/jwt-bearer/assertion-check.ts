import { decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../clock';
import { invalidGrant, temporarilyUnavailable, type OAuthError } from '../errors';
import { mapIdentity, subjectAllowed, type MappedIdentity } from './claim-mapping';
import { IssuerKeysUnavailable } from './issuer-keys';
import type { KnownIssuer, TrustedIssuerDirectory } from './trusted-issuer-directory';
import type { TrustedIssuer } from './trusted-issuers';

/** Larger assertions are refused before any parsing. */
const MAX_ASSERTION_LENGTH = 16 * 1024;

/** A verified assertion: which issuer vouched for whom, and until when. */
export interface VerifiedAssertion extends MappedIdentity {
  issuer: TrustedIssuer;
  /** Epoch seconds: the assertion's `exp`. */
  expiresAt: number;
  jti?: string;
}

export interface AssertionPorts {
  trustedIssuers: TrustedIssuerDirectory;
  clock: Clock;
}

/**
 * RFC 7523 §3: checks a JWT bearer assertion. Every failure is invalid_grant (RFC 7521 §4.1.1)
 * with one of a few fixed descriptions; the reason in the detail is for the logs. Keys that
 * cannot be read are the server's trouble, 503.
 */
export async function verifyAssertion(
  ports: AssertionPorts,
  assertion: string,
  defaultAudiences: readonly string[],
): Promise<VerifiedAssertion> {
  const refuse = (description: string, detail: string): OAuthError => invalidGrant(description, detail);
  const known = trustedIssuerOf(ports.trustedIssuers, assertion);
  const { entry } = known;
  const now = ports.clock.now();
  const nowSeconds = Math.floor(now.getTime() / 1000);

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, (header) => known.keys.keyFor(header), {
      issuer: entry.issuer,
      // RFC 7523 §3 item 3: the server must be among the audiences.
      audience: entry.audiences ?? [...defaultAudiences],
      algorithms: [...entry.algorithms],
      // RFC 7523 §3 item 4: exp is required; items 5 and 6 allow small skew on nbf and iat.
      requiredClaims: ['exp'],
      clockTolerance: entry.clock_skew,
      currentDate: now,
    }));
  } catch (error) {
    if (error instanceof IssuerKeysUnavailable) {
      throw temporarilyUnavailable('The assertion issuer keys are unavailable', error);
    }
    throw refuseJose(error, refuse);
  }

  const exp = payload.exp as number;
  const iat = payload.iat;
  if (iat !== undefined && iat > nowSeconds + entry.clock_skew) throw refuse('The assertion is not valid yet', 'iat');
  // A bound on how long one assertion may be used, whatever its issuer granted it.
  if (exp - (iat ?? nowSeconds) > entry.max_assertion_lifetime) {
    throw refuse('The assertion is valid for too long', 'lifetime');
  }
  const identity = mapIdentity(payload, entry);
  // RFC 7523 §3 item 2: the subject identifies the principal the token is for.
  if (!identity) throw refuse('The assertion has no usable subject', 'subject claim');
  if (!subjectAllowed(identity.subject, entry.subject_patterns)) {
    throw refuse('The assertion subject is not allowed', 'subject pattern');
  }
  if (entry.require_jti_once && (typeof payload.jti !== 'string' || payload.jti === '' || payload.jti.length > 255)) {
    throw refuse('The assertion needs a jti', 'jti');
  }
  return {
    ...identity,
    issuer: entry,
    expiresAt: exp,
    ...(typeof payload.jti === 'string' ? { jti: payload.jti } : {}),
  };
}

/**
 * The trusted issuer an assertion names, read before its signature is checked (to pick the keys
 * and the client); throws invalid_grant for an assertion that is not a JWT or names no issuer
 * we trust (RFC 7523 §3 item 1).
 */
export function trustedIssuerOf(issuers: TrustedIssuerDirectory, assertion: string): KnownIssuer {
  if (assertion.length > MAX_ASSERTION_LENGTH) throw invalidGrant('The assertion is malformed', 'too large');
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(assertion);
  } catch {
    throw invalidGrant('The assertion is malformed', 'not a JWT');
  }
  const known = typeof unverified.iss === 'string' ? issuers.find(unverified.iss) : undefined;
  if (!known) throw invalidGrant('The assertion issuer is not trusted', 'untrusted iss');
  return known;
}

/** jose's errors by kind, in our own words; jose's messages may quote the assertion. */
function refuseJose(error: unknown, refuse: (description: string, detail: string) => OAuthError): OAuthError {
  if (error instanceof errors.JWTExpired) return refuse('The assertion has expired', error.code);
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return refuse('The assertion is not meant for this server', error.code);
    if (error.claim === 'nbf' || error.claim === 'iat') return refuse('The assertion is not valid yet', error.claim);
    return refuse('The assertion claims are invalid', `${error.code} ${error.claim}`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return refuse('The assertion algorithm is not allowed', error.code);
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid) {
    return refuse('The assertion is malformed', error.code);
  }
  if (error instanceof errors.JOSEError) return refuse('The assertion signature does not verify', error.code);
  return refuse('The assertion is malformed', 'unexpected');
}
