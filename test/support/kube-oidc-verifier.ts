import { get } from 'node:https';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';

/**
 * The settings of the Kubernetes API server's OpenID Connect authenticator, as its flags name
 * them (`--oidc-issuer-url`, `--oidc-client-id`, `--oidc-username-claim`, `--oidc-username-prefix`,
 * `--oidc-signing-algs`, `--oidc-ca-file`).
 */
export interface KubeOidcFlags {
  issuerUrl: string;
  clientId: string;
  /** Default `sub`. */
  usernameClaim?: string;
  /** Default: none for `email`, otherwise the issuer URL and `#`; `-` turns prefixing off. */
  usernamePrefix?: string;
  /** Default RS256 only. */
  signingAlgs?: readonly string[];
  /** The CA the issuer's certificate is checked against. */
  caPem: string;
}

/**
 * A verifier that applies the rules the Kubernetes API server applies to a bearer ID token, to
 * check that the tokens Grantline issues are ones it accepts: the issuer URL is https and is the
 * discovery document's `issuer` and the token's `iss`; keys come from discovery's `jwks_uri`
 * over the same trusted TLS; only the allowed algorithms; `aud` contains the client id; `exp`
 * and `nbf` hold; the username is the configured claim (a string), `email` only when
 * `email_verified` is not false, with the prefix the flags give. Returns the username.
 */
export async function kubeAuthenticate(flags: KubeOidcFlags, idToken: string): Promise<string> {
  const issuer = new URL(flags.issuerUrl);
  if (issuer.protocol !== 'https:') throw new Error('oidc: issuer URL must use https');
  const wellKnown = `${flags.issuerUrl.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const discovery = (await fetchJson(wellKnown, flags.caPem)) as {
    issuer?: unknown;
    jwks_uri?: unknown;
  };
  if (discovery.issuer !== flags.issuerUrl) throw new Error('oidc: issuer did not match the discovery document');
  if (typeof discovery.jwks_uri !== 'string') throw new Error('oidc: discovery has no jwks_uri');
  const keys = createLocalJWKSet((await fetchJson(discovery.jwks_uri, flags.caPem)) as JSONWebKeySet);
  const { payload } = await jwtVerify(idToken, keys, {
    issuer: flags.issuerUrl,
    audience: flags.clientId,
    algorithms: [...(flags.signingAlgs ?? ['RS256'])],
    requiredClaims: ['exp'],
  });
  return usernameOf(flags, payload);
}

function usernameOf(flags: KubeOidcFlags, payload: JWTPayload): string {
  const claim = flags.usernameClaim ?? 'sub';
  const value = payload[claim];
  if (typeof value !== 'string' || value === '') throw new Error(`oidc: claim ${claim} is not a string`);
  if (claim === 'email' && 'email_verified' in payload && payload.email_verified !== true) {
    throw new Error('oidc: email not verified');
  }
  const prefix = flags.usernamePrefix ?? (claim === 'email' ? '-' : `${flags.issuerUrl}#`);
  return prefix === '-' ? value : `${prefix}${value}`;
}

function fetchJson(url: string, ca: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = get(url, { ca, timeout: 5000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) return reject(new Error(`oidc: ${url} answered ${response.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error(`oidc: ${url} timed out`)));
    request.on('error', reject);
  });
}
