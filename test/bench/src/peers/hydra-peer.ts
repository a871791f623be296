import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { distinctFreePorts } from './ports';
import { waitForHttp } from './http-wait';
import { hydraBinary, installHydra } from './install-hydra';
import { logsDir } from './paths';
import type { Peer, RunningPeer } from './peer';
import { pidsInGroup, spawnGroup, type ProcessGroup } from './processes';

const createdClient = z.object({ client_id: z.string() });

async function createClient(adminOrigin: string, clientSecret: string): Promise<string> {
  const response = await fetch(`${adminOrigin}/admin/clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'peers-bench',
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'read',
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${adminOrigin}/admin/clients: ${response.status} ${text}`);
  return createdClient.parse(JSON.parse(text)).client_id;
}

/** Ory Hydra, `serve all --dev` on an in-memory SQLite database. */
export const hydra: Peer = {
  name: 'hydra',
  install: installHydra,
  start: async (): Promise<RunningPeer> => {
    const [publicPort, adminPort] = await distinctFreePorts(2);
    const publicOrigin = `http://127.0.0.1:${publicPort}`;
    const adminOrigin = `http://127.0.0.1:${adminPort}`;
    const group: ProcessGroup = spawnGroup(hydraBinary(), ['serve', 'all', '--dev'], {
      env: {
        PATH: process.env.PATH,
        DSN: 'memory',
        SERVE_PUBLIC_HOST: '127.0.0.1',
        SERVE_PUBLIC_PORT: String(publicPort),
        SERVE_ADMIN_HOST: '127.0.0.1',
        SERVE_ADMIN_PORT: String(adminPort),
        URLS_SELF_ISSUER: publicOrigin,
        SECRETS_SYSTEM: randomBytes(24).toString('base64url'),
        LOG_LEVEL: 'warn',
      },
      logFile: join(logsDir(), 'hydra.log'),
    });
    try {
      await waitForHttp(`${adminOrigin}/health/ready`, group, 60_000);
      const clientSecret = randomBytes(32).toString('base64url');
      const clientId = await createClient(adminOrigin, clientSecret);
      return {
        tokenUrl: `${publicOrigin}/oauth2/token`,
        introspectUrl: `${adminOrigin}/admin/oauth2/introspect`,
        clientId,
        clientSecret,
        tokenAuth: 'basic',
        introspectionAuth: 'none',
        scope: 'read',
        pids: () => pidsInGroup(group.pid).map((pid) => ({ pid, label: 'hydra' })),
        notes: [
          'DSN=memory (SQLite in memory), LOG_LEVEL=warn, default secret hasher (pbkdf2)',
          'introspection on the admin port, which takes no client authentication',
        ],
        stop: () => group.stop(),
      };
    } catch (error) {
      await group.stop();
      throw error;
    }
  },
};
