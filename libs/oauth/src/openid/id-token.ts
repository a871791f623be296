import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import type { ClientRecord, UserRecord } from '@grantline/lib-projections';
import type { KeyRing, SigningKey } from '@grantline/lib-tokens';
import { epochSeconds } from '../clock';
import { serverError } from '../errors';
import type { OAuthContext } from '../oauth-context';
import type { OpenIdGrant } from '../grants/sealed-grants';
import { openIdSubject } from './subject';
import { requestedUserClaims, userClaims } from './user-claims';

/** Core §15.1: every OpenID Provider signs with RS256, and a client that registered nothing gets it. */
export const DEFAULT_ID_TOKEN_ALG = 'RS256';

/** What one ID token is about: the grant's client and person, and the facts the grant carries. */
export interface IdTokenGrant {
  client: ClientRecord;
  user: UserRecord;
  /** The scopes of the access token issued beside it; they pick the claims about the person. */
  scopes: readonly string[];
  /** When the person authenticated (Core §2 `auth_time`), carried unchanged across refreshes (§12.2). */
  authTime: number;
  /** The grant's OpenID facts; `nonce` only at the code's redemption (Core §3.1.3.6, §12.2). */
  oidc: OpenIdGrant;
  /** The access token issued with it, whose hash the ID token carries (Core §3.1.3.6 `at_hash`). */
  accessToken: string;
}

/**
 * The ID token of a token response (OpenID Connect Core §2, §3.1.3.6), signed with the client's
 * registered algorithm. Individually requested claims (§5.5) join the scope claims; the scope
 * claims are in the ID token as well as at UserInfo, because relying parties such as the
 * Kubernetes API server read them only there (docs/decisions/0047).
 */
export async function mintIdToken(
  context: Pick<OAuthContext, 'settings' | 'keys' | 'clock'>,
  grant: IdTokenGrant,
): Promise<string> {
  const { settings } = context;
  const { client, oidc } = grant;
  const signer = idTokenSigner(context.keys, client);
  const issuedAt = epochSeconds(context.clock);
  const requested = requestedUserClaims(oidc.claims?.id_token);
  const claims = {
    ...userClaims(grant.user, grant.scopes, requested),
    azp: client.clientId,
    auth_time: grant.authTime,
    ...(oidc.nonce === undefined ? {} : { nonce: oidc.nonce }),
    ...(oidc.sid === undefined ? {} : { sid: oidc.sid }),
    ...(oidc.amr === undefined ? {} : { amr: [...oidc.amr] }),
    ...(oidc.acr === undefined ? {} : { acr: oidc.acr }),
    at_hash: tokenHash(grant.accessToken, signer.alg),
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: signer.alg, typ: 'JWT', kid: signer.kid })
    .setIssuer(settings.issuer)
    .setSubject(openIdSubject(client, grant.user.userId, settings.openid.pairwiseSalt))
    .setAudience(client.clientId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + settings.openid.idTokenTtlSeconds)
    .sign(signer.privateKey);
}

/**
 * The key a client's ID tokens are signed with. A client that registered an algorithm gets it or
 * nothing: signing with another would fail at its verifier, so a missing key is a server error
 * (registration refuses algorithms the ring does not hold). The default (RS256) falls back to
 * the key that signs access tokens, so a ring without an RSA key still serves OpenID Connect;
 * the service warns about such a ring when it starts (`idTokenKeyWarning`).
 */
export function idTokenSigner(keys: KeyRing, client: Pick<ClientRecord, 'clientId' | 'openid'>): SigningKey {
  const registered = client.openid.idTokenSignedResponseAlg;
  const signer = keys.signerFor(registered ?? DEFAULT_ID_TOKEN_ALG);
  if (signer) return signer;
  if (registered === null) return keys.active;
  throw serverError(new Error(`No signing key for ${registered}, registered by client ${client.clientId}`));
}

/** Why a key ring cannot sign ID tokens as relying parties expect by default; null when it can. */
export function idTokenKeyWarning(keys: KeyRing): string | null {
  if (keys.signerFor(DEFAULT_ID_TOKEN_ALG)) return null;
  return `No ${DEFAULT_ID_TOKEN_ALG} signing key: ID tokens of clients without a registered algorithm are signed with ${keys.active.alg} (kid ${keys.active.kid}), which relying parties that expect the default refuse`;
}

/**
 * Core §3.1.3.6 `at_hash`: the left half of the hash of the token's ASCII octets, by the hash of
 * the JWS algorithm (SHA-256 for RS256 and ES256), base64url-encoded. EdDSA with Ed25519 hashes
 * with SHA-512.
 */
export function tokenHash(token: string, alg: string): string {
  const digest = createHash(hashOf(alg)).update(token, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

function hashOf(alg: string): 'sha256' | 'sha384' | 'sha512' {
  if (alg === 'EdDSA' || alg.endsWith('512')) return 'sha512';
  if (alg.endsWith('384')) return 'sha384';
  if (alg.endsWith('256')) return 'sha256';
  throw serverError(new Error(`No token hash for algorithm ${alg}`));
}
