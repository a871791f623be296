import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '@grantline/lib-infra';
import { waitForHttp } from './http-wait';
import { redisProcesses, sharedInfra } from './infra';
import { installOidcProvider, oidcProviderDir } from './install-oidc-provider';
import { logsDir } from './paths';
import type { Peer, RunningPeer } from './peer';
import { pidsInGroup, spawnGroup, type ServerProcess } from './processes';

/** node-oidc-provider through our launcher (dist/peers/oidc-provider-server.js), in memory or on Redis. */
export function oidcProvider(mode: 'memory' | 'redis'): Peer {
  const name = mode === 'memory' ? 'oidc-provider' : 'oidc-provider-redis';
  return {
    name,
    install: installOidcProvider,
    start: async (): Promise<RunningPeer> => {
      const redisUrl = mode === 'redis' ? (await sharedInfra()).urls : undefined;
      const port = await freePort();
      const origin = `http://127.0.0.1:${port}`;
      const clientId = 'peers-bench';
      const clientSecret = randomBytes(32).toString('base64url');
      const group = spawnGroup(process.execPath, [join(__dirname, 'oidc-provider-server.js')], {
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'production',
          OIDC_PROVIDER_DIR: oidcProviderDir(),
          PORT: String(port),
          CLIENT_ID: clientId,
          CLIENT_SECRET: clientSecret,
          ...(redisUrl ? { REDIS_URL: redisUrl.redisUrl, REDIS_PREFIX: `peers${Date.now().toString(36)}:` } : {}),
        },
        logFile: join(logsDir(), `${name}.log`),
      });
      try {
        await waitForHttp(`${origin}/.well-known/openid-configuration`, group, 30_000);
      } catch (error) {
        await group.stop();
        throw error;
      }
      const pids = (): ServerProcess[] => [
        ...pidsInGroup(group.pid).map((pid) => ({ pid, label: 'node-oidc-provider' })),
        ...(redisUrl ? redisProcesses(redisUrl) : []),
      ];
      return {
        tokenUrl: `${origin}/token`,
        introspectUrl: `${origin}/token/introspection`,
        clientId,
        clientSecret,
        tokenAuth: 'basic',
        introspectionAuth: 'basic',
        scope: 'read',
        pids,
        notes: [
          mode === 'memory'
            ? 'our Map adapter with expiry (the bundled memory adapter is an LRU of 1,000 entries)'
            : 'our ioredis adapter: each model a JSON string with its TTL; redis-server counted and pinned',
        ],
        stop: () => group.stop(),
      };
    },
  };
}
