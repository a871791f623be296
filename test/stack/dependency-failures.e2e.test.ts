import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRoot } from '@grantline/lib-infra';
import { hashSecret } from '@grantline/lib-oauth';
import { RedisProjectionControl, RedisProjectionStore } from '@grantline/lib-projections';
import { ensureKeyDirectory } from '@grantline/lib-runtime';
import { startService, waitUntilReady, type ServiceProcess } from '@grantline/lib-stack';
import { keyRingFromJwks, readJwkFiles, signAccessToken } from '@grantline/lib-tokens';
import { clientRegistered, clientSnapshot } from '@grantline/lib-testing';
import { infraFromEnv } from './stack-fixture';
import { basic } from '../support/oauth-test-client';

const workDir = mkdtempSync(join(tmpdir(), 'grantline-failures-'));
const keysDir = join(workDir, 'keys');
const prefix = `tfail${Date.now().toString(36)}:`;
const started: ServiceProcess[] = [];

async function start(service: string, env: Record<string, string>): Promise<ServiceProcess> {
  const infra = infraFromEnv();
  const process_ = await startService({
    root: repoRoot(),
    service,
    replica: started.length,
    logDir: workDir,
    env: {
      PATH: process.env.PATH,
      GRANTLINE_SIGNING_KEYS_DIR: keysDir,
      GRANTLINE_REDIS_PREFIX: prefix,
      KAFKA_BROKERS: infra.kafkaBrokers,
      REDIS_URL: infra.redisUrl,
      GRANTLINE_APPEND_TIMEOUT_MS: '2000',
      ...env,
    },
  });
  started.push(process_);
  await waitUntilReady(process_, '/healthz', 30_000);
  return process_;
}

const form = (url: string, params: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
  });

beforeAll(async () => {
  await ensureKeyDirectory(keysDir);
  // Seed the client projection directly, as the projector would have.
  const store = new RedisProjectionStore({ url: infraFromEnv().redisUrl, keyPrefix: prefix });
  const control = new RedisProjectionControl({ url: infraFromEnv().redisUrl, keyPrefix: prefix });
  await Promise.all([store.waitUntilReady(5_000), control.waitUntilReady(5_000)]);
  const generation = await control.begin({ activate: true });
  await control.setState(generation, 'ready');
  await control.validated(generation, await control.incarnation());
  await control.close();
  const client = clientSnapshot({
    clientId: 'svc',
    secretHash: await hashSecret('svc-secret-1'),
    public: false,
    grantTypes: ['client_credentials'],
    scopes: ['read'],
  });
  const event = clientRegistered(client, new Date());
  await store.apply(event, { partition: 0, offset: '0' });
  await store.close();
});

afterAll(async () => {
  await Promise.all(started.map((service) => service.stop()));
  rmSync(workDir, { recursive: true, force: true });
});

it('answers 503 temporarily_unavailable and issues nothing when Kafka is unreachable', async () => {
  const token = await start('token', { KAFKA_BROKERS: `127.0.0.1:${await freePort()}` });
  const response = await form(`${token.url}/oauth/token`, {
    grant_type: 'client_credentials',
    client_id: 'svc',
    client_secret: 'svc-secret-1',
  });
  expect(response.status).toBe(503);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body.error).toBe('temporarily_unavailable');
  expect(body).not.toHaveProperty('access_token');
  expect((await fetch(`${token.url}/readyz`)).status).toBe(503);
});

it('answers 503 from introspection, never a stale active, when Redis is unreachable', async () => {
  const introspection = await start('introspection', { REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  const keys = await keyRingFromJwks(readJwkFiles(keysDir));
  const now = Math.floor(Date.now() / 1000);
  const accessToken = await signAccessToken(keys, {
    iss: 'http://localhost:3000',
    sub: 'svc',
    aud: 'http://localhost:3000',
    client_id: 'svc',
    scope: 'read',
    jti: 'failure-test',
    iat: now,
    exp: now + 600,
  });
  const response = await form(
    `${introspection.url}/oauth/introspect`,
    { token: accessToken },
    { authorization: basic('svc', 'svc-secret-1') },
  );
  expect(response.status).toBe(503);
  expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
  expect((await fetch(`${introspection.url}/readyz`)).status).toBe(503);
});
