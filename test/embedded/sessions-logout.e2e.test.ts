import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '@grantline/lib-config';
import { FileEventLog } from '@grantline/lib-event-log';
import { createLogger } from '@grantline/lib-http';
import { freePort } from '@grantline/lib-infra';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { BACKCHANNEL_RECEIVER_SETTINGS, BackchannelReceiver } from '../support/backchannel-receiver';
import { GrantlineTestClient } from '../support/oauth-test-client';
import {
  checkLogoutWithIdTokenHint,
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
