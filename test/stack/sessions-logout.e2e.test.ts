import { KafkaEventLog } from '@grantline/lib-event-log';
import { BACKCHANNEL_RECEIVER_SETTINGS, BackchannelReceiver } from '../support/backchannel-receiver';
import { GrantlineTestClient } from '../support/oauth-test-client';
import {
  checkLogoutWithIdTokenHint,
  checkNoticeOutlivesItsSender,
  checkOperatorEndsSession,
  checkRpInitiatedLogout,
  checkSigningInAgainEndsTheOldSession,
  updateOpenIdOnLog,
  type SetOpenId,
} from '../support/session-logout-contract';
import { holdsLocalPort } from '../support/socket-owner';
import { infraFromEnv, startTestStack, type TestStack } from './stack-fixture';

let receiver: BackchannelReceiver;
let stack: TestStack;
let log: KafkaEventLog;

/** Client OpenID settings go on the stack's own topics, as an operator's update would. */
const setOpenId: SetOpenId = (clientId, openid) => updateOpenIdOnLog(log, clientId, openid);

beforeAll(async () => {
  receiver = await BackchannelReceiver.start();
  // Two replicas of the pages and of the token service: the session ends on every one of them,
  // and the notices of one end go out once, from one of them.
  stack = await startTestStack('sessions', {
    replicas: { authorize: 2, token: 2, introspection: 1, devicePolling: 1 },
    env: BACKCHANNEL_RECEIVER_SETTINGS,
  });
  log = new KafkaEventLog({
    brokers: infraFromEnv().kafkaBrokers.split(','),
    clientId: 'sessions-test',
    topicPrefix: `${stack.namespace}.`,
    appendTimeoutMs: 10_000,
  });
}, 180_000);

afterAll(async () => {
  await log?.close();
  await stack?.stop();
  await receiver?.close();
});

const setup = () => ({
  baseUrl: stack.url,
  admin: new GrantlineTestClient(stack.url, stack.adminToken),
  receiver,
  setOpenId,
});

describe('stack: sessions and logout', () => {
  it('an operator ends a session: sign-in again, grants end unless offline, parties told over the back channel once', async () => {
    await checkOperatorEndsSession(setup());
  }, 90_000);

  it('RP-initiated logout by client_id, confirmed by the person, back to a registered URI only', async () => {
    await checkRpInitiatedLogout(setup());
  }, 90_000);

  it('RP-initiated logout with the ID token of the browser session: no question, straight back', async () => {
    await checkLogoutWithIdTokenHint(setup());
  }, 90_000);

  it('signing in again in the same browser ends the session it held', async () => {
    await checkSigningInAgainEndsTheOldSession(setup());
  }, 60_000);

  // Last: it leaves one token replica.
  it('a notice whose sending replica dies mid-delivery is sent by the other one, once', async () => {
    await checkNoticeOutlivesItsSender(setup(), async (port) => {
      const sender = [0, 1]
        .map((replica) => stack.replicaOf('token', replica))
        .find((replica) => replica?.child.pid !== undefined && holdsLocalPort(replica.child.pid, port));
      if (!sender) throw new Error(`no token replica holds local port ${port}`);
      await sender.stop('SIGKILL');
    });
  }, 150_000);
});
