import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { FormBrowser, obtainTokens } from '@grantline/lib-testing';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { kubeAuthenticate, type KubeOidcFlags } from '../support/kube-oidc-verifier';
import { seedOpenIdLog, type SeededUser } from '../support/openid-seed';
import { TlsFront } from '../support/tls-front';

/**
 * The Kubernetes API server as a relying party: kubectl (through a login plugin) signs a person
 * in with the code flow and sends the ID token as its bearer token; the API server checks it
 * with the rules of its OpenID Connect authenticator, which needs the issuer's discovery and
 * keys over https. Here the embedded server sits behind TLS on loopback, as behind an ingress,
 * and a verifier applying those rules checks the ID tokens it issues.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'grantline-kube-'));
// kubelogin's default redirect URI.
const REDIRECT = 'http://localhost:8000';
const verified: SeededUser = {
  email: `ada-${randomUUID()}@example.test`,
  name: 'Ada',
  password: 'analytical engine password',
  profile: { emailVerified: true, preferredUsername: 'ada' },
};
const unverified: SeededUser = {
  email: `bob-${randomUUID()}@example.test`,
  name: 'Bob',
  password: 'difference engine password',
  profile: { emailVerified: false, preferredUsername: 'bob' },
};
let server: EmbeddedServer;
let front: TlsFront;
let flags: KubeOidcFlags;

beforeAll(async () => {
  await seedOpenIdLog(dataDir, {
    clients: [
      { clientId: 'kubernetes', redirectUri: REDIRECT, openid: {} },
      { clientId: 'grafana', redirectUri: REDIRECT, openid: {} },
      { clientId: 'es256-app', redirectUri: REDIRECT, openid: { idTokenSignedResponseAlg: 'ES256' } },
    ],
    users: [verified, unverified],
  });
  front = await TlsFront.start(() => server.url);
  const config = loadConfig({
    GRANTLINE_DATA_DIR: dataDir,
    PORT: '0',
    GRANTLINE_ISSUER: front.origin,
    LOG_LEVEL: 'silent',
  });
  server = await startEmbeddedServer(config, createLogger('kube-test', 'silent'));
  flags = { issuerUrl: front.origin, clientId: 'kubernetes', caPem: front.certificates.caPem };
});

afterAll(async () => {
  await server?.close();
  await front?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** An ID token as kubectl's login plugin gets it: the code flow with PKCE, scope openid email profile. */
async function idTokenFor(person: SeededUser, clientId = 'kubernetes'): Promise<string> {
  const tokens = (await obtainTokens(new FormBrowser(server.url), {
    clientId,
    redirectUri: REDIRECT,
    scope: 'openid email profile',
    email: person.email,
    password: person.password,
  })) as { id_token?: string };
  if (!tokens.id_token) throw new Error('no ID token');
  return tokens.id_token;
}

describe('embedded: ID tokens the Kubernetes API server accepts', () => {
  it('serves discovery and keys over https, with the issuer the tokens carry', async () => {
    const token = await idTokenFor(verified);
    const { sub } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub: string };
    // --oidc-username-claim defaults to sub, prefixed with the issuer URL.
    await expect(kubeAuthenticate(flags, token)).resolves.toBe(`${front.origin}#${sub}`);
  });

  it('maps --oidc-username-claim=email for a verified address, and refuses an unverified one', async () => {
    const emailFlags = { ...flags, usernameClaim: 'email' };
    await expect(kubeAuthenticate(emailFlags, await idTokenFor(verified))).resolves.toBe(verified.email);
    await expect(kubeAuthenticate(emailFlags, await idTokenFor(unverified))).rejects.toThrow(/email not verified/);
  });

  it('maps --oidc-username-claim=preferred_username with --oidc-username-prefix', async () => {
    const preferred = { ...flags, usernameClaim: 'preferred_username', usernamePrefix: 'oidc:' };
    await expect(kubeAuthenticate(preferred, await idTokenFor(unverified))).resolves.toBe('oidc:bob');
  });

  it('refuses a token issued to another client, and one signed with an algorithm the flags do not allow', async () => {
    await expect(kubeAuthenticate(flags, await idTokenFor(verified, 'grafana'))).rejects.toThrow(/aud/);
    const es256 = { ...flags, clientId: 'es256-app' };
    const token = await idTokenFor(verified, 'es256-app');
    await expect(kubeAuthenticate(es256, token)).rejects.toThrow(/alg/i);
    await expect(kubeAuthenticate({ ...es256, signingAlgs: ['RS256', 'ES256'] }, token)).resolves.toContain('#');
  });

  it('refuses an issuer URL that is not the discovery document’s, or not https', async () => {
    const token = await idTokenFor(verified);
    await expect(kubeAuthenticate({ ...flags, issuerUrl: `${front.origin}/` }, token)).rejects.toThrow(/issuer/);
    await expect(kubeAuthenticate({ ...flags, issuerUrl: server.url }, token)).rejects.toThrow(/https/);
  });
});
