import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRoot } from '@grantline/lib-infra';
import { GRANTLINE_BENCH_ENV, registerGrantlineClient } from './grantline-admin';
import { waitForHttp } from './http-wait';
import { logsDir } from './paths';
import type { Peer, RunningPeer } from './peer';
import { pidsInGroup, spawnGroup } from './processes';

function entryPoint(): string {
  return join(repoRoot(), 'services', 'embedded', 'dist', 'main.js');
}

/** Grantline in one process on its file event log, with a fresh data folder for each run. */
export const grantlineEmbedded: Peer = {
  name: 'grantline-embedded',
  install: () => {
    if (!existsSync(entryPoint())) return Promise.reject(new Error('services/embedded is not built (npm run build)'));
    return Promise.resolve('Grantline embedded (node services/embedded/dist/main.js, temporary GRANTLINE_DATA_DIR)');
  },
  start: async (): Promise<RunningPeer> => {
    const dataDir = mkdtempSync(join(tmpdir(), 'grantline-peers-embedded-'));
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const adminToken = randomBytes(32).toString('base64url');
    const group = spawnGroup(process.execPath, [entryPoint()], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        GRANTLINE_HOST: '127.0.0.1',
        GRANTLINE_ISSUER: origin,
        GRANTLINE_DATA_DIR: dataDir,
        GRANTLINE_ADMIN_TOKEN: adminToken,
        ...GRANTLINE_BENCH_ENV,
      },
      logFile: join(logsDir(), 'grantline-embedded.log'),
    });
    const stop = async () => {
      await group.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
    try {
      await waitForHttp(`${origin}/readyz`, group, 60_000);
      const client = await registerGrantlineClient(origin, adminToken);
      return {
        tokenUrl: `${origin}/oauth/token`,
        introspectUrl: `${origin}/oauth/introspect`,
        ...client,
        tokenAuth: 'basic',
        introspectionAuth: 'basic',
        scope: 'read',
        pids: () => pidsInGroup(group.pid).map((pid) => ({ pid, label: 'embedded' })),
        notes: [],
        stop,
      };
    } catch (error) {
      await stop();
      throw error;
    }
  },
};
