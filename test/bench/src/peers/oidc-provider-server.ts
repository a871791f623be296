import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { memoryAdapter } from './oidc-provider-memory-adapter';
import { redisAdapter, type RedisClient } from './oidc-provider-redis-adapter';
import type { AdapterFactory } from './oidc-provider-adapter';

/**
 * Runs node-oidc-provider from its own install folder as a client_credentials and introspection
 * server with one static confidential client:
 *   OIDC_PROVIDER_DIR=... PORT=... CLIENT_ID=... CLIENT_SECRET=... [REDIS_URL=...] node oidc-provider-server.js
 */
interface ProviderInstance {
  listen(port: number, host: string, callback: () => void): unknown;
}
type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} must be set`);
  return value;
}

async function importFrom<T>(dir: string, name: string): Promise<T> {
  const entry = createRequire(join(dir, 'package.json')).resolve(name);
  return (await import(pathToFileURL(entry).href)) as T;
}

async function adapterFor(dir: string): Promise<{ adapter: AdapterFactory; mode: string }> {
  const redisUrl = process.env.REDIS_URL;
  if (redisUrl === undefined || redisUrl === '') return { adapter: memoryAdapter(), mode: 'memory' };
  const { Redis } = await importFrom<{ Redis: new (url: string) => RedisClient }>(dir, 'ioredis');
  const prefix = process.env.REDIS_PREFIX ?? `oidc-provider:${randomBytes(4).toString('hex')}:`;
  return { adapter: redisAdapter(new Redis(redisUrl), prefix), mode: `redis ${redisUrl} prefix ${prefix}` };
}

async function main(): Promise<void> {
  const dir = required('OIDC_PROVIDER_DIR');
  const port = Number(required('PORT'));
  const issuer = `http://127.0.0.1:${port}`;
  const { default: Provider } = await importFrom<{ default: ProviderClass }>(dir, 'oidc-provider');
  const { adapter, mode } = await adapterFor(dir);
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

  const provider = new Provider(issuer, {
    adapter,
    clients: [
      {
        client_id: required('CLIENT_ID'),
        client_secret: required('CLIENT_SECRET'),
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'read',
      },
    ],
    scopes: ['read'],
    jwks: { keys: [{ ...signingKey, kid: 'bench', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
    },
    ttl: { ClientCredentials: 3600 },
  });
  provider.listen(port, '127.0.0.1', () => {
    process.stdout.write(`node-oidc-provider listening on ${issuer} (adapter: ${mode})\n`);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
