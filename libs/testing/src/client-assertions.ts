import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { KeyObject } from 'node:crypto';
import { generateP256Key } from './dpop-keys';

/** RFC 7523 §2.2: the assertion type of `private_key_jwt`. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A client's P-256 key pair: the private key it signs with, its public JWK set to register. */
export interface ClientKeyPair {
  kid: string;
  privateKey: KeyObject;
  jwks: { keys: Record<string, unknown>[] };
}

export function clientKeyPair(kid: string): ClientKeyPair {
  const { privateKey, publicJwk } = generateP256Key();
  return { kid, privateKey, jwks: { keys: [{ ...publicJwk, kid, use: 'sig', alg: 'ES256' }] } };
}

export interface AssertionClaims {
  clientId: string;
  audience: string | string[];
  /** Seconds since the epoch; the assertion's iat. */
  now: number;
  lifetimeSeconds?: number;
  jti?: string;
  iss?: string;
  sub?: string;
  /** `null` leaves the kid out of the header. */
  kid?: string | null;
  alg?: string;
  /** Claims merged in last (to drop one, set it to undefined). */
  extra?: Record<string, unknown>;
}

/** A client assertion (RFC 7523 §3) signed with `key`, with each claim overridable for refusal tests. */
export async function signClientAssertion(key: ClientKeyPair | KeyObject, claims: AssertionClaims): Promise<string> {
  const privateKey = 'privateKey' in key ? key.privateKey : key;
  const kid = claims.kid === undefined ? ('kid' in key ? key.kid : undefined) : (claims.kid ?? undefined);
  const payload: Record<string, unknown> = {
    iss: claims.iss ?? claims.clientId,
    sub: claims.sub ?? claims.clientId,
    aud: claims.audience,
    iat: claims.now,
    exp: claims.now + (claims.lifetimeSeconds ?? 60),
    jti: claims.jti ?? randomUUID(),
    ...claims.extra,
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: claims.alg ?? 'ES256', ...(kid === undefined ? {} : { kid }) })
    .sign(privateKey);
}

/** The form fields of `private_key_jwt` client authentication. */
export function assertionForm(assertion: string): Record<string, string> {
  return { client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: assertion };
}
