import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '@grantline/lib-config';
import { FileEventLog } from '@grantline/lib-event-log';
import { createLogger } from '@grantline/lib-http';
import { freePort, repoRoot } from '@grantline/lib-infra';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { BACKCHANNEL_RECEIVER_SETTINGS, BackchannelReceiver } from '../support/backchannel-receiver';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { pollUntil } from '../support/poll-until';
import {
  checkLogoutWithIdTokenHint,
  checkNoticeOutlivesItsSender,
  checkOperatorEndsSession,
  checkRpInitiatedLogout,
  checkSigningInAgainEndsTheOldSession,
  updateOpenIdOnLog,
  type SetOpenId,
} from '../support/session-logout-contract';

const dataDir = mkdtempSync(join(tmpdir(), 'grantline-sessions-'));
let receiver: BackchannelReceiver;
let config: Config;
let server: EmbeddedServer;

const start = () => startEmbeddedServer(config, createLogger('sessions-test', 'silent'));

/** The embedded log has one writer, the server: it stops while the event is appended, then replays it. */
const setOpenId: SetOpenId = async (clientId, openid) => {
  await server.close();
  const log = new FileEventLog(join(dataDir, 'log'));
  await updateOpenIdOnLog(log, clientId, openid);
  await log.close();
  server = await start();
};

beforeAll(async () => {
  receiver = await BackchannelReceiver.start();
  const port = String(await freePort());
  config = loadConfig({
    GRANTLINE_DATA_DIR: dataDir,
    PORT: port,
    GRANTLINE_ISSUER: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'silent',
    ...BACKCHANNEL_RECEIVER_SETTINGS,
  });
  server = await start();
}, 30_000);

afterAll(async () => {
  await server?.close();
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const setup = () => ({
  baseUrl: server.url,
  admin: new GrantlineTestClient(server.url, server.adminToken),
  receiver,
  setOpenId,
});

describe('embedded: sessions and logout', () => {
  it('an operator ends a session: sign-in again, grants end unless offline, parties told over the back channel', async () => {
    await checkOperatorEndsSession(setup());
  }, 60_000);

  it('RP-initiated logout by client_id, confirmed by the person, back to a registered URI only', async () => {
    await checkRpInitiatedLogout(setup());
  }, 60_000);

  it('RP-initiated logout with the ID token of the browser session: no question, straight back', async () => {
    await checkLogoutWithIdTokenHint(setup());
  }, 60_000);

  it('signing in again in the same browser ends the session it held', async () => {
    await checkSigningInAgainEndsTheOldSession(setup());
  }, 60_000);
});

describe('embedded: a crash in the middle of a back-channel notice', () => {
  const crashDir = mkdtempSync(join(tmpdir(), 'grantline-crash-'));
  let child: ChildProcess | undefined;
  let url = '';

  /** Embedded Grantline as its own process, so that it can be killed outright. */
  async function launch(env: Record<string, string>): Promise<void> {
    child = spawn(process.execPath, [join(repoRoot(), 'services/embedded/dist/main.js')], {
      env: { PATH: process.env.PATH, ...env },
      stdio: 'ignore',
    });
    const up = await pollUntil(
      () =>
        fetch(`${url}/healthz`).then(
          (response) => response.ok,
          () => false,
        ),
      (ok) => ok,
      20_000,
    );
    if (!up) throw new Error('embedded Grantline did not start');
  }

  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(crashDir, { recursive: true, force: true });
  });

  it('sends the notice again after the restart, and records it once', async () => {
    const port = String(await freePort());
    url = `http://127.0.0.1:${port}`;
    const env = {
      GRANTLINE_DATA_DIR: crashDir,
      PORT: port,
      GRANTLINE_ISSUER: url,
      LOG_LEVEL: 'silent',
      ...BACKCHANNEL_RECEIVER_SETTINGS,
    };
    await launch(env);
    const admin = new GrantlineTestClient(url, readFileSync(join(crashDir, 'admin-token'), 'utf8').trim());
    const setOpenIdByAdmin: SetOpenId = async (clientId, openid) => {
      const response = await admin.admin('PATCH', `/admin/clients/${clientId}`, {
        post_logout_redirect_uris: openid.postLogoutRedirectUris,
        backchannel_logout_uri: openid.backchannelLogoutUri,
      });
      if (response.status !== 200) throw new Error(`PATCH answered ${response.status}`);
    };
    await checkNoticeOutlivesItsSender({ baseUrl: url, admin, receiver, setOpenId: setOpenIdByAdmin }, async () => {
      const killed = child;
      await new Promise((done) => {
        killed?.once('exit', done);
        killed?.kill('SIGKILL');
      });
      await launch(env);
    });
  }, 90_000);
});
