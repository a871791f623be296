import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';
import type { GrantlineTestClient } from './oauth-test-client';
import { makeTestCertificates, type TestCertificates } from './test-certificates';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** The audience the workloads' projected tokens are asked for (`serviceAccountToken.audience`). */
const AUDIENCE = 'https://grantline.workloads.test';

interface Signer {
  iss: string;
  privateKey: KeyLike;
  jwk: JWK;
}

async function signer(iss: string, kid: string, alg: 'ES256' | 'RS256'): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { iss, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/**
 * Two Kubernetes-like clusters whose service-account tokens Grantline trusts: one with its keys
 * written in the settings, one publishing them at a JWKS URL served over https on loopback with a
 * test CA (what the guarded fetcher must be told to trust). Started before the server under test,
 * whose settings come from `env`.
 */
export interface WorkloadIssuers {
  /** Settings for the server under test: the trusted issuers, and what lets the fetcher reach the JWKS. */
  env: Record<string, string>;
  /** The client the trusted issuers issue to; the contract registers it. */
  clientId: string;
  staticCluster: Signer;
  jwksCluster: Signer;
  /** Its entry accepts each assertion `jti` once (`require_jti_once`). */
  onceCluster: Signer;
  /** The same `kid` as `staticCluster`, another key: a forgery. */
  forger: Signer;
  stop(): Promise<void>;
}

export async function startWorkloadIssuers(): Promise<WorkloadIssuers> {
  const suffix = randomUUID().slice(0, 8);
  const staticCluster = await signer(`https://kubernetes.default.svc.cluster.local/${suffix}`, 'static-1', 'RS256');
  const jwksCluster = await signer(`https://oidc.cluster-${suffix}.test`, 'jwks-1', 'ES256');
  const onceCluster = await signer(`https://once.cluster-${suffix}.test`, 'once-1', 'ES256');
  const forger = await signer(staticCluster.iss, 'static-1', 'RS256');
  const certificates: TestCertificates = makeTestCertificates({ dns: ['localhost'], ip: ['127.0.0.1'] });
  const server: Server = createServer({ cert: certificates.cert, key: certificates.key }, (request, response) => {
    if (request.url !== '/openid/v1/jwks') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'max-age=300' });
    response.end(JSON.stringify({ keys: [jwksCluster.jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const clientId = `workloads-${suffix}`;
  const entry = {
    audiences: [AUDIENCE],
    client_id: clientId,
    subject_patterns: ['system:serviceaccount:payments:*'],
    claims: { namespace: '/kubernetes.io/namespace', service_account: '/kubernetes.io/serviceaccount/name' },
  };
  const issuers = [
    { ...entry, issuer: staticCluster.iss, jwks: { keys: [staticCluster.jwk] } },
    { ...entry, issuer: jwksCluster.iss, jwks_uri: `https://127.0.0.1:${port}/openid/v1/jwks` },
    { ...entry, issuer: onceCluster.iss, jwks: { keys: [onceCluster.jwk] }, require_jti_once: true },
  ];
  return {
    env: {
      GRANTLINE_TRUSTED_ISSUERS: JSON.stringify({ issuers }),
      GRANTLINE_FETCH_ALLOWED_HOSTS: '127.0.0.1',
      GRANTLINE_FETCH_CA_FILE: certificates.caFile,
    },
    clientId,
    staticCluster,
    jwksCluster,
    onceCluster,
    forger,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      certificates.remove();
    },
  };
}

/** A projected service-account token as the kubelet mounts it into a pod. */
function serviceAccountToken(by: Signer, overrides: JWTPayload = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: by.iss,
    sub: 'system:serviceaccount:payments:checkout',
    aud: [AUDIENCE],
    iat: now,
    nbf: now,
    exp: now + 3600,
    'kubernetes.io': {
      namespace: 'payments',
      serviceaccount: { name: 'checkout', uid: randomUUID() },
      pod: { name: 'checkout-5c7f9', uid: randomUUID() },
    },
    ...overrides,
  })
    .setProtectedHeader({ alg: by.jwk.alg as string, kid: by.jwk.kid as string, typ: 'JWT' })
    .sign(by.privateKey);
}

/**
 * RFC 7523 §2.1 over HTTP: a workload presents its service-account token, with no client
 * credentials, and gets an access token that introspects at once with the mapped subject and
 * claims; where the issuer's entry asks for it, an assertion is accepted once, however many
 * replicas it is sent to at once; an untrusted issuer, another audience, an expired token or a
 * forged signature is invalid_grant.
 */
export async function checkWorkloadTokens(
  baseUrl: string,
  admin: GrantlineTestClient,
  issuers: WorkloadIssuers,
): Promise<void> {
  await admin.registerClient({
    name: 'workloads',
    client_id: issuers.clientId,
    public: true,
    grant_types: [JWT_BEARER],
    scopes: 'orders:read',
  });
  const gateway = await admin.registerClient({ name: 'gateway', scopes: 'orders:read' });
  const exchange = (assertion: string) =>
    admin.form('/oauth/token', { grant_type: JWT_BEARER, assertion, scope: 'orders:read' }, {}, baseUrl);

  for (const cluster of [issuers.staticCluster, issuers.jwksCluster]) {
    const response = await exchange(await serviceAccountToken(cluster));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'orders:read' });
    expect(body.refresh_token).toBeUndefined();
    expect(
      await admin.introspect(body.access_token as string, gateway.client_id, gateway.client_secret, baseUrl),
    ).toMatchObject({
      active: true,
      sub: 'system:serviceaccount:payments:checkout',
      client_id: issuers.clientId,
      scope: 'orders:read',
      namespace: 'payments',
      service_account: 'checkout',
    });
  }

  // require_jti_once: of the same assertion presented at once (to any replica), exactly one is accepted.
  const once = await serviceAccountToken(issuers.onceCluster, { jti: randomUUID() });
  const statuses = (await Promise.all(Array.from({ length: 4 }, () => exchange(once)))).map((answer) => answer.status);
  expect(statuses.sort()).toEqual([200, 400, 400, 400]);

  const stranger = await signer('https://kubernetes.stranger.test', 'static-1', 'RS256');
  const now = Math.floor(Date.now() / 1000);
  const refused: Array<[string, Promise<string>]> = [
    ['an untrusted issuer', serviceAccountToken(stranger)],
    ['another audience', serviceAccountToken(issuers.staticCluster, { aud: ['https://kubernetes.default.svc'] })],
    ['expired', serviceAccountToken(issuers.jwksCluster, { iat: now - 7200, nbf: now - 7200, exp: now - 3600 })],
    ['signed by another key', serviceAccountToken(issuers.forger)],
    [
      'a subject not allowed',
      serviceAccountToken(issuers.staticCluster, { sub: 'system:serviceaccount:kube-system:default' }),
    ],
  ];
  for (const [why, assertion] of refused) {
    const response = await exchange(await assertion);
    expect([why, response.status, await response.json()]).toEqual([
      why,
      400,
      expect.objectContaining({ error: 'invalid_grant' }),
    ]);
  }
}
