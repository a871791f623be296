import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { freePort } from '@grantline/lib-infra';
import { redisGuardStore, redisProjectionStore } from './adapters';

/**
 * A throw-away CA, a certificate for localhost signed by it, and a redis-server that speaks
 * only TLS; the services' Redis options must reach it through a rediss:// URL and the CA file.
 */
const dir = mkdtempSync(join(tmpdir(), 'grantline-redis-tls-'));
let server: ChildProcess | undefined;
let url = '';

function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { cwd: dir, stdio: 'pipe' });
  } catch (error) {
    throw new Error(`this test needs ${command} on PATH (${command} ${args[0]} failed: ${String(error)})`);
  }
}

function makeCertificates(): void {
  const subject = (cn: string) => ['-subj', `/CN=${cn}`];
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run('openssl', [
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    ...subject('test-ca'),
  ]);
  run('openssl', ['req', ...ecKey, '-keyout', 'server.key', '-out', 'server.csr', ...subject('localhost')]);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  run('openssl', [
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '1',
    '-extfile',
    'san.ext',
  ]);
  // A second CA that signed nothing: trusting it alone must fail.
  run('openssl', [
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    'other.key',
    '-out',
    'other.crt',
    '-days',
    '1',
    ...subject('other'),
  ]);
}

beforeAll(async () => {
  makeCertificates();
  const port = await freePort();
  server = spawn(
    'redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      'server.crt',
      '--tls-key-file',
      'server.key',
      '--tls-ca-cert-file',
      'ca.crt',
      '--tls-auth-clients',
      'no',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  await new Promise<void>((resolve, reject) => {
    server?.once('spawn', resolve);
    server?.once('error', (error) =>
      reject(new Error(`this test needs redis-server with TLS on PATH: ${error.message}`)),
    );
  });
  url = `rediss://localhost:${port}`;
});

afterAll(async () => {
  const running = server;
  if (running?.pid !== undefined && running.exitCode === null) {
    const exited = new Promise((resolve) => running.once('exit', resolve));
    process.kill(running.pid, 'SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

const settings = (caFile: string) =>
  loadConfig({ REDIS_URL: url, GRANTLINE_REDIS_TLS_CA_FILE: join(dir, caFile), GRANTLINE_REDIS_PREFIX: 'tls-test:' });

it('the stores reach a TLS-only Redis through rediss:// and GRANTLINE_REDIS_TLS_CA_FILE', async () => {
  const store = redisProjectionStore(settings('ca.crt'));
  const guards = redisGuardStore(settings('ca.crt'));
  try {
    await store.waitUntilReady(15_000);
    await store.assertKeepsKeys('config-get');
    expect(await store.ping()).toBe(true);
    await guards.waitUntilReady(15_000);
    expect(await guards.ping()).toBe(true);
  } finally {
    await Promise.all([store.close(), guards.close()]);
  }
});

it('a CA that did not sign the server certificate is refused', async () => {
  const store = redisProjectionStore(settings('other.crt'));
  try {
    await expect(store.waitUntilReady(3_000)).rejects.toThrow('redis not ready');
    expect(await store.ping()).toBe(false);
  } finally {
    await store.close();
  }
});
