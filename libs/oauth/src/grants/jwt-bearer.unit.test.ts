import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';
import { JWT_BEARER_GRANT } from '@grantline/lib-events';
import {
  formRequest,
  MemoryFetcher,
  oauthFixture,
  respond,
  TEST_ISSUER,
  type OAuthFixture,
} from '@grantline/lib-testing';
import { verifiedClaims } from '../access-token-check';
import { introspectionEndpoint } from '../introspection-endpoint';
import { TrustedIssuerDirectory } from '../jwt-bearer/trusted-issuer-directory';
import { trustedIssuersDocumentSchema } from '../jwt-bearer/trusted-issuers';
import { serverMetadata } from '../metadata';
import { tokenEndpoint } from '../token-endpoint';

/** RFC 7523 §2.1 through the token endpoint: a workload's service-account JWT for an access token. */
const CLUSTER = 'https://kubernetes.default.svc.cluster.local';
const OTHER_CLUSTER = 'https://other.cluster.test';
const JWKS_URI = 'https://keys.cluster.test/openid/v1/jwks';
const ORDERS = 'https://orders.test/api';
const SUBJECT = 'system:serviceaccount:payments:checkout';

interface SigningKey {
  privateKey: KeyLike;
  jwk: JWK;
}

async function signingKey(kid: string, alg: 'ES256' | 'RS256' = 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg } };
}

describe('POST /oauth/token, JWT bearer grant (RFC 7523 §2.1)', () => {
  let fixture: OAuthFixture;
  let clusterKey: SigningKey;
  let rotatedKey: SigningKey;
  let strangerKey: SigningKey;
  let fetcher: MemoryFetcher;

  const now = () => Math.floor(fixture.clock.now().getTime() / 1000);
  const post = (params: Record<string, string>) => respond(fixture.context, tokenEndpoint, formRequest(params));
  const exchange = (assertion: string, extra: Record<string, string> = {}) =>
    post({ grant_type: JWT_BEARER_GRANT, assertion, ...extra });
  const errorOf = async (pending: ReturnType<typeof post>) => {
    const response = await pending;
    return [response.status, (response.body as { error: string }).error];
  };
  const issuedCount = () => fixture.log.events.filter((event) => event.type === 'AccessTokenIssued').length;

  /** A projected service-account token as the kubelet mounts it, with the audience asked for. */
  function serviceAccountClaims(overrides: JWTPayload = {}): JWTPayload {
    return {
      iss: CLUSTER,
      sub: SUBJECT,
      aud: [TEST_ISSUER],
      iat: now(),
      nbf: now(),
      exp: now() + 3600,
      'kubernetes.io': {
        namespace: 'payments',
        serviceaccount: { name: 'checkout', uid: '5f2d7a0e-1111-4c1a-9a55-000000000001' },
        pod: { name: 'checkout-7d9c', uid: '5f2d7a0e-2222-4c1a-9a55-000000000002' },
      },
      ...overrides,
    };
  }
  function sign(claims: JWTPayload, key: SigningKey = clusterKey, alg = key.jwk.alg as string): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg, kid: key.jwk.kid as string }).sign(key.privateKey);
  }

  function trust(issuers: unknown[]): void {
    fixture.context.trustedIssuers = new TrustedIssuerDirectory(
      trustedIssuersDocumentSchema.parse({ issuers }),
      fetcher,
      fixture.clock,
    );
  }
  const clusterEntry = (extra: Record<string, unknown> = {}) => ({
    issuer: CLUSTER,
    jwks: { keys: [clusterKey.jwk] },
    client_id: 'workloads',
    claims: { namespace: '/kubernetes.io/namespace', service_account: '/kubernetes.io/serviceaccount/name' },
    subject_patterns: ['system:serviceaccount:payments:*'],
    ...extra,
  });

  beforeAll(async () => {
    [clusterKey, rotatedKey, strangerKey] = await Promise.all([
      signingKey('cluster-1'),
      signingKey('cluster-2', 'RS256'),
      signingKey('cluster-1'),
    ]);
  });

  beforeEach(async () => {
    fixture = await oauthFixture();
    fetcher = new MemoryFetcher();
    await fixture.registerResource({ uri: ORDERS, name: 'Orders', scopes: 'orders:read orders:write' });
    await fixture.registerClient({
      name: 'workloads',
      client_id: 'workloads',
      public: true,
      grant_types: [JWT_BEARER_GRANT],
      scopes: 'orders:read orders:write',
    });
    await fixture.registerClient({
      name: 'gateway',
      client_id: 'gateway',
      client_secret: 'gateway-secret',
      grant_types: ['client_credentials', JWT_BEARER_GRANT],
      scopes: 'orders:read',
    });
    trust([clusterEntry()]);
  });

  it('issues a token for the mapped subject with no client credentials, and introspection shows it', async () => {
    const response = await exchange(await sign(serviceAccountClaims()), { scope: 'orders:read' });
    expect(response.status).toBe(200);
    const body = response.body as { access_token: string; expires_in: number; scope: string; refresh_token?: string };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'orders:read' });
    expect(body.refresh_token).toBeUndefined();
    expect(await verifiedClaims(fixture.context, body.access_token)).toMatchObject({
      sub: SUBJECT,
      client_id: 'workloads',
      ext: { namespace: 'payments', service_account: 'checkout' },
    });
    const introspected = await respond(
      fixture.context,
      introspectionEndpoint,
      formRequest({ token: body.access_token, client_id: 'gateway', client_secret: 'gateway-secret' }),
    );
    expect(introspected.body).toMatchObject({
      active: true,
      sub: SUBJECT,
      client_id: 'workloads',
      namespace: 'payments',
      service_account: 'checkout',
    });
    const issued = fixture.log.events.find((event) => event.type === 'AccessTokenIssued');
    expect(issued?.data).toMatchObject({
      subject: SUBJECT,
      grantType: JWT_BEARER_GRANT,
      assertion: { issuer: CLUSTER, claims: { namespace: 'payments', service_account: 'checkout' } },
    });
  });

  it('never outlives the assertion', async () => {
    const response = await exchange(await sign(serviceAccountClaims({ exp: now() + 700 })));
    expect((response.body as { expires_in: number }).expires_in).toBe(700);
  });

  it('limits scopes and resources to what the issuer entry and the client allow', async () => {
    trust([clusterEntry({ scopes: ['orders:read'], resources: [ORDERS] })]);
    const assertion = await sign(serviceAccountClaims());
    expect(await errorOf(exchange(assertion, { scope: 'orders:write' }))).toEqual([400, 'invalid_scope']);
    expect(await errorOf(exchange(assertion, { resource: 'https://elsewhere.test/' }))).toEqual([
      400,
      'invalid_target',
    ]);
    const granted = await exchange(assertion, { resource: ORDERS });
    expect(granted.body).toMatchObject({ scope: 'orders:read' });
    expect((await verifiedClaims(fixture.context, (granted.body as { access_token: string }).access_token))?.aud).toBe(
      ORDERS,
    );
  });

  it('accepts the token endpoint URL as audience by default, and only the configured ones when set', async () => {
    const toEndpoint = await sign(serviceAccountClaims({ aud: `${TEST_ISSUER}/oauth/token` }));
    expect((await exchange(toEndpoint)).status).toBe(200);
    trust([clusterEntry({ audiences: ['grantline'] })]);
    expect(await errorOf(exchange(toEndpoint))).toEqual([400, 'invalid_grant']);
    expect((await exchange(await sign(serviceAccountClaims({ aud: 'grantline' })))).status).toBe(200);
  });

  it.each<[string, () => Promise<string>]>([
    ['not a JWT', () => Promise.resolve('not-a-jwt')],
    ['an untrusted issuer', () => sign(serviceAccountClaims({ iss: OTHER_CLUSTER }))],
    ['another audience', () => sign(serviceAccountClaims({ aud: 'https://kubernetes.default.svc' }))],
    ['expired', () => sign(serviceAccountClaims({ iat: now() - 4000, nbf: now() - 4000, exp: now() - 60 }))],
    ['no exp', () => sign(serviceAccountClaims({ exp: undefined }))],
    ['not yet valid (nbf)', () => sign(serviceAccountClaims({ nbf: now() + 600 }))],
    ['issued in the future (iat)', () => sign(serviceAccountClaims({ iat: now() + 600 }))],
    ['valid for too long', () => sign(serviceAccountClaims({ exp: now() + 2 * 86_400 }))],
    ['signed by another key with the same kid', () => sign(serviceAccountClaims(), strangerKey)],
    ['signed by a key the issuer does not have', () => sign(serviceAccountClaims(), rotatedKey)],
    [
      'a subject the entry does not allow',
      () => sign(serviceAccountClaims({ sub: 'system:serviceaccount:kube-system:admin' })),
    ],
    ['no subject', () => sign(serviceAccountClaims({ sub: undefined }))],
    [
      'an HMAC signature',
      () =>
        new SignJWT(serviceAccountClaims())
          .setProtectedHeader({ alg: 'HS256', kid: 'cluster-1' })
          .sign(new Uint8Array(32).fill(7)),
    ],
    ['an unsigned JWT', async () => `${(await sign(serviceAccountClaims())).split('.').slice(0, 2).join('.')}.`],
  ])('refuses an assertion that is %s with invalid_grant, recording nothing', async (_, make) => {
    expect(await errorOf(exchange(await make()))).toEqual([400, 'invalid_grant']);
    expect(issuedCount()).toBe(0);
  });

  it('refuses a request without an assertion with invalid_request', async () => {
    expect(await errorOf(post({ grant_type: JWT_BEARER_GRANT }))).toEqual([400, 'invalid_request']);
    expect(await errorOf(post({ grant_type: JWT_BEARER_GRANT, client_id: 'workloads' }))).toEqual([
      400,
      'invalid_request',
    ]);
  });

  it('refuses an algorithm the issuer entry does not allow', async () => {
    trust([clusterEntry({ jwks: { keys: [rotatedKey.jwk] }, algorithms: ['ES256'] })]);
    expect(await errorOf(exchange(await sign(serviceAccountClaims(), rotatedKey)))).toEqual([400, 'invalid_grant']);
  });

  it('issues to the entry’s client only: another client authenticating is invalid_grant', async () => {
    const assertion = await sign(serviceAccountClaims());
    expect(await errorOf(exchange(assertion, { client_id: 'gateway', client_secret: 'gateway-secret' }))).toEqual([
      400,
      'invalid_grant',
    ]);
  });

  it('requires the entry’s client to authenticate when the entry says so', async () => {
    trust([clusterEntry({ client_id: 'gateway', require_client_authentication: true })]);
    const assertion = await sign(serviceAccountClaims());
    expect(await errorOf(exchange(assertion))).toEqual([401, 'invalid_client']);
    expect(await errorOf(exchange(assertion, { client_id: 'gateway' }))).toEqual([401, 'invalid_client']);
    const response = await exchange(assertion, { client_id: 'gateway', client_secret: 'gateway-secret' });
    expect(response.body).toMatchObject({ scope: 'orders:read' });
  });

  it('refuses a client not registered for the grant with unauthorized_client', async () => {
    await fixture.registerClient({
      name: 'plain',
      client_id: 'plain',
      public: true,
      grant_types: ['authorization_code'],
      redirect_uris: ['https://plain.test/cb'],
    });
    trust([clusterEntry({ client_id: 'plain' })]);
    expect(await errorOf(exchange(await sign(serviceAccountClaims())))).toEqual([400, 'unauthorized_client']);
  });

  it('accepts an assertion again by default (a projected token is reused), once with require_jti_once', async () => {
    const assertion = await sign(serviceAccountClaims({ jti: 'jti-1' }));
    expect((await exchange(assertion)).status).toBe(200);
    expect((await exchange(assertion)).status).toBe(200);
    trust([clusterEntry({ require_jti_once: true })]);
    const once = await sign(serviceAccountClaims({ jti: 'jti-2' }));
    expect((await exchange(once)).status).toBe(200);
    expect(await errorOf(exchange(once))).toEqual([400, 'invalid_grant']);
    expect(await errorOf(exchange(await sign(serviceAccountClaims())))).toEqual([400, 'invalid_grant']);
  });

  describe('keys at a JWKS URL', () => {
    beforeEach(() => {
      trust([clusterEntry({ jwks: undefined, jwks_uri: JWKS_URI, algorithms: ['ES256', 'RS256'] })]);
    });

    it('fetches the set once, and again for an unknown kid no sooner than 30 s later', async () => {
      fetcher.serve(JWKS_URI, { keys: [clusterKey.jwk] }, 3600);
      expect((await exchange(await sign(serviceAccountClaims()))).status).toBe(200);
      expect((await exchange(await sign(serviceAccountClaims()))).status).toBe(200);
      expect(fetcher.fetched).toHaveLength(1);

      // The cluster rotates its key: the set is refetched once, not for every assertion.
      fetcher.serve(JWKS_URI, { keys: [clusterKey.jwk, rotatedKey.jwk] }, 3600);
      const rotated = await sign(serviceAccountClaims(), rotatedKey);
      expect(await errorOf(exchange(rotated))).toEqual([400, 'invalid_grant']);
      expect(fetcher.fetched).toHaveLength(1);
      fixture.clock.advance(31);
      expect((await exchange(await sign(serviceAccountClaims(), rotatedKey))).status).toBe(200);
      expect(await errorOf(exchange(await sign(serviceAccountClaims(), strangerKey)))).toEqual([400, 'invalid_grant']);
      expect(fetcher.fetched).toHaveLength(2);
    });

    it('answers 503 while the keys were never readable, and keeps the keys it has when a refetch fails', async () => {
      expect(await errorOf(exchange(await sign(serviceAccountClaims())))).toEqual([503, 'temporarily_unavailable']);
      fetcher.serve(JWKS_URI, { keys: [clusterKey.jwk] }, 60);
      // A failed read is remembered for the refetch interval (30 s), so a down issuer is not asked on every request.
      expect(await errorOf(exchange(await sign(serviceAccountClaims())))).toEqual([503, 'temporarily_unavailable']);
      fixture.clock.advance(30);
      expect((await exchange(await sign(serviceAccountClaims()))).status).toBe(200);
      fetcher.forget(JWKS_URI);
      fixture.clock.advance(120);
      expect((await exchange(await sign(serviceAccountClaims()))).status).toBe(200);
      expect(issuedCount()).toBe(2);
    });
  });

  it('is listed in the server metadata', () => {
    expect(serverMetadata(TEST_ISSUER).grant_types_supported).toContain(JWT_BEARER_GRANT);
  });
});

describe('the trusted issuers file', () => {
  const entry = { issuer: CLUSTER, jwks_uri: JWKS_URI, client_id: 'workloads' };
  it.each<[string, unknown]>([
    ['both keys and a URL', { ...entry, jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] } }],
    ['neither keys nor a URL', { issuer: CLUSTER, client_id: 'workloads' }],
    ['a private key', { issuer: CLUSTER, client_id: 'w', jwks: { keys: [{ kty: 'EC', d: 'secret' }] } }],
    ['a plain http URL', { ...entry, jwks_uri: 'http://keys.cluster.test/jwks' }],
    ['a symmetric algorithm', { ...entry, algorithms: ['HS256'] }],
    ['a mapped claim named like one of ours', { ...entry, claims: { sub: '/kubernetes.io/namespace' } }],
    ['an unknown member', { ...entry, trust_everyone: true }],
  ])('refuses an entry with %s', (_, issuer) => {
    expect(trustedIssuersDocumentSchema.safeParse({ issuers: [issuer] }).success).toBe(false);
  });

  it('refuses the same issuer twice', () => {
    expect(trustedIssuersDocumentSchema.safeParse({ issuers: [entry, entry] }).success).toBe(false);
  });
});
