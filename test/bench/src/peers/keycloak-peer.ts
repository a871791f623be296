import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { distinctFreePorts } from './ports';
import { waitForHttp } from './http-wait';
import { installKeycloak, keycloakHome } from './install-keycloak';
import { adminAccessToken, createRealmAndClient, REALM } from './keycloak-admin';
import { logsDir } from './paths';
import type { Peer, RunningPeer } from './peer';
import { commandName } from '../process-cpu';
import { pidsInGroup, spawnGroup } from './processes';

const START_TIMEOUT_MS = 5 * 60_000;
const KEYCLOAK_EXTRA_WARM_UP_SECONDS = 10;

/** Keycloak `start-dev` on an in-memory H2 database, fresh on every start. */
export const keycloak: Peer = {
  name: 'keycloak',
  install: installKeycloak,
  start: async (): Promise<RunningPeer> => {
    const [port, managementPort] = await distinctFreePorts(2);
    const origin = `http://127.0.0.1:${port}`;
    const admin = { username: 'admin', password: randomBytes(18).toString('base64url') };
    const group = spawnGroup(
      join(keycloakHome(), 'bin', 'kc.sh'),
      [
        'start-dev',
        '--db=dev-mem',
        '--http-host=127.0.0.1',
        `--http-port=${port}`,
        `--http-management-port=${managementPort}`,
      ],
      {
        env: {
          PATH: process.env.PATH,
          ...(process.env.JAVA_HOME ? { JAVA_HOME: process.env.JAVA_HOME } : {}),
          KC_BOOTSTRAP_ADMIN_USERNAME: admin.username,
          KC_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
        },
        logFile: join(logsDir(), 'keycloak.log'),
      },
    );
    try {
      await waitForHttp(`${origin}/realms/master`, group, START_TIMEOUT_MS);
      const clientId = 'peers-bench';
      const clientSecret = randomBytes(32).toString('base64url');
      await createRealmAndClient(
        origin,
        await adminAccessToken(origin, admin.username, admin.password),
        clientId,
        clientSecret,
      );
      const tokenUrl = `${origin}/realms/${REALM}/protocol/openid-connect/token`;
      return {
        tokenUrl,
        introspectUrl: `${tokenUrl}/introspect`,
        clientId,
        clientSecret,
        tokenAuth: 'basic',
        introspectionAuth: 'basic',
        scope: 'read',
        pids: () => pidsInGroup(group.pid).map((pid) => ({ pid, label: commandName(pid) })),
        extraWarmUpSeconds: KEYCLOAK_EXTRA_WARM_UP_SECONDS,
        notes: [
          `start-dev --db=dev-mem; JWT access tokens, whose introspection also checks the session; ${KEYCLOAK_EXTRA_WARM_UP_SECONDS} s more warm-up per scenario for the JIT`,
        ],
        stop: () => group.stop(15_000),
      };
    } catch (error) {
      await group.stop();
      throw error;
    }
  },
};
