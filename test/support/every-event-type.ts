import { randomBytes } from 'node:crypto';
import { KafkaEventLog } from '@grantline/lib-event-log';
import {
  DEVICE_CODE_GRANT,
  grantlineEventSchema,
  streams,
  type GrantlineEvent,
  type GrantlineEventType,
} from '@grantline/lib-events';
import { approveDevice, authorize, codeExchange, FormBrowser, refresh, tokenRequest } from '@grantline/lib-testing';
import type { BackchannelReceiver } from './backchannel-receiver';
import { pollOnce, startDevice } from './device-flow-contract';
import type { GrantlineTestClient } from './oauth-test-client';

const REDIRECT = 'http://127.0.0.1:4997/oauth/callback';

/** Every event type the catalogue (the discriminated union in lib-events) declares, in its order. */
export function catalogueEventTypes(): GrantlineEventType[] {
  return grantlineEventSchema.options.map((schema) => schema.shape.type.value);
}

/** What `driveEveryEventType` left behind that a test can look for afterwards. */
export interface EventFootprint {
  /** A confidential client_credentials client, also usable to introspect. */
  resourceServer: { client_id: string; client_secret: string };
  /** The client `user` has a remembered consent for. */
  spa: string;
  redirectUri: string;
  user: { userId: string; email: string; password: string };
  /** A client_credentials access token of `resourceServer`, revoked. */
  revokedToken: string;
  /** A personal access token of `user`, live. */
  personalAccessToken: { id: string; access_token: string };
}

async function expectStatus(response: Response, status: number, what: string): Promise<Response> {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${await response.text()}`);
  }
  return response;
}

async function adminJson<T>(
  client: GrantlineTestClient,
  method: string,
  path: string,
  status: number,
  body?: unknown,
): Promise<T> {
  const response = await expectStatus(await client.admin(method, path, body), status, `${method} ${path}`);
  return (status === 204 ? undefined : await response.json()) as T;
}

/** Clients: registered, updated, secret rotated, deleted. */
async function driveClients(client: GrantlineTestClient, run: string): Promise<void> {
  const scratch = await client.registerClient({ name: `scratch ${run}`, scopes: 'read' });
  await adminJson(client, 'PATCH', `/admin/clients/${scratch.client_id}`, 200, { name: `renamed ${run}` });
  await adminJson(client, 'POST', `/admin/clients/${scratch.client_id}/rotate-secret`, 200, {});
  await adminJson(client, 'DELETE', `/admin/clients/${scratch.client_id}`, 200);
}

/** Resources: registered, updated, and one of them deleted. */
async function driveResources(client: GrantlineTestClient, run: string): Promise<void> {
  const kept = `https://kept-${run}.example.test/api`;
  const scratch = `urn:example:scratch:${run}`;
  await adminJson(client, 'POST', '/admin/resources', 201, { uri: kept, name: `kept ${run}`, scopes: 'read' });
  await adminJson(client, 'POST', '/admin/resources', 201, { uri: scratch, name: `scratch ${run}` });
  await adminJson(client, 'PATCH', `/admin/resources/${encodeURIComponent(kept)}`, 200, { name: `renamed ${run}` });
  await adminJson(client, 'DELETE', `/admin/resources/${encodeURIComponent(scratch)}`, 200);
}

/** Users: registered, password changed, profile changed, disabled, enabled. */
async function driveUsers(client: GrantlineTestClient, run: string, password: string): Promise<void> {
  const { user_id: userId } = await client.registerUser({
    email: `other.${run}@example.test`,
    name: 'Other',
    password,
  });
  await adminJson(client, 'POST', `/admin/users/${userId}/password`, 204, { password: 'another long password' });
  await adminJson(client, 'PATCH', `/admin/users/${userId}`, 200, { given_name: 'Other', locale: 'en-GB' });
  await adminJson(client, 'POST', `/admin/users/${userId}/disable`, 200);
  await adminJson(client, 'POST', `/admin/users/${userId}/enable`, 200);
}

/**
 * The code flow with a failed and a successful sign-in, consent, code, tokens, a refresh
 * rotation and a reuse of the rotated refresh token (which revokes the grant); then a consent
 * for a second client, withdrawn. The consent for `spa` stays.
 */
async function driveCodeFlow(
  client: GrantlineTestClient,
  run: string,
  user: EventFootprint['user'],
): Promise<{ spa: string }> {
  const base = client.baseUrl;
  const codeClient = (name: string) =>
    client.registerClient({
      name: `${name} ${run}`,
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'read write',
      redirect_uris: [REDIRECT],
    });
  const spa = (await codeClient('spa')).client_id;
  const other = (await codeClient('withdrawn')).client_id;
  const login = { redirectUri: REDIRECT, email: user.email, password: user.password, scope: 'read write' };

  const refused = await authorize(new FormBrowser(base), {
    ...login,
    clientId: spa,
    password: 'not the password',
  }).then(
    () => new Error('a wrong password was accepted'),
    (error: Error) => error,
  );
  if (!/401/.test(refused.message)) throw refused;

  const browser = new FormBrowser(base);
  const result = await authorize(browser, { ...login, clientId: spa });
  const exchanged = await tokenRequest(base, codeExchange(result, { clientId: spa, redirectUri: REDIRECT }));
  if (exchanged.status !== 200) throw new Error(`code exchange: ${exchanged.status} ${JSON.stringify(exchanged.body)}`);
  const first = String(exchanged.body.refresh_token);
  const rotated = await refresh(base, spa, first);
  if (rotated.status !== 200) throw new Error(`refresh: ${rotated.status} ${JSON.stringify(rotated.body)}`);
  const reuse = await refresh(base, spa, first);
  if (reuse.body.error !== 'invalid_grant') throw new Error(`reuse answered ${reuse.status}`);

  const consented = await authorize(browser, { ...login, clientId: other });
  if (!consented.pages.includes('consent')) throw new Error(`no consent page: ${consented.pages.join(', ')}`);
  await adminJson(client, 'DELETE', `/admin/users/${user.userId}/consents/${other}`, 204);
  return { spa };
}

/**
 * An OpenID Connect sign-in (a session) in which two relying parties get codes, then an operator
 * ends the user's sessions: one party's back-channel endpoint takes the logout token, the
 * other's always fails, so the log gets both outcomes once every retry is spent.
 */
async function driveSessions(
  client: GrantlineTestClient,
  run: string,
  user: EventFootprint['user'],
  receiver: BackchannelReceiver,
): Promise<void> {
  const party = async (name: string, backchannel: string) =>
    (
      await client.registerClient({
        name: `${name} ${run}`,
        public: true,
        grant_types: ['authorization_code'],
        scopes: 'openid',
        redirect_uris: [REDIRECT],
        backchannel_logout_uri: backchannel,
      })
    ).client_id;
  const told = await party('told', receiver.endpoint(`/told-${run}`, 200));
  const unreachable = await party('unreachable', receiver.endpoint(`/down-${run}`, 500));
  const browser = new FormBrowser(client.baseUrl);
  const login = { redirectUri: REDIRECT, email: user.email, password: user.password, scope: 'openid' };
  await authorize(browser, { ...login, clientId: told });
  await authorize(browser, { ...login, clientId: unreachable });
  await adminJson(client, 'DELETE', `/admin/users/${user.userId}/sessions`, 200);
}

/** Device authorization: two requests, one approved and redeemed, one denied, and a wrong user code typed. */
async function driveDeviceFlow(client: GrantlineTestClient, run: string, user: EventFootprint['user']): Promise<void> {
  const base = client.baseUrl;
  const tv = (
    await client.registerClient({
      name: `tv ${run}`,
      public: true,
      grant_types: [DEVICE_CODE_GRANT],
      scopes: 'read',
    })
  ).client_id;
  const approved = await startDevice(base, { client_id: tv });
  const denied = await startDevice(base, { client_id: tv });
  const person = { email: user.email, password: user.password };
  await approveDevice(new FormBrowser(base), { ...person, userCode: approved.user_code });
  await approveDevice(new FormBrowser(base), { ...person, userCode: denied.user_code, decision: 'deny' });
  const redeemed = await pollOnce(base, tv, approved.device_code);
  if (redeemed.status !== 200) throw new Error(`device poll: ${redeemed.status} ${JSON.stringify(redeemed.body)}`);

  const guesser = new FormBrowser(base);
  const form = await guesser.get('/device');
  const codes = [approved.user_code, denied.user_code];
  const wrong = codes.includes('BBBB-BBBB') ? 'CCCC-CCCC' : 'BBBB-BBBB';
  await expectStatus(await guesser.submit(await form.text(), { user_code: wrong }), 400, 'a wrong user code');
}

/** Personal access tokens through the admin API: one revoked, one left live. */
async function drivePersonalAccessTokens(
  client: GrantlineTestClient,
  userId: string,
): Promise<EventFootprint['personalAccessToken']> {
  const create = (name: string) =>
    adminJson<{ id: string; access_token: string }>(
      client,
      'POST',
      `/admin/users/${userId}/personal-access-tokens`,
      201,
      {
        name,
        scopes: ['read'],
      },
    );
  const revoked = await create('revoked');
  await adminJson(client, 'DELETE', `/admin/personal-access-tokens/${revoked.id}`, 204);
  return create('live');
}

/**
 * Drives the public and the admin API so that the log holds at least one event of every type
 * the catalogue declares today (see `catalogueEventTypes`; a new type needs a step here).
 */
export async function driveEveryEventType(
  client: GrantlineTestClient,
  receiver: BackchannelReceiver,
): Promise<EventFootprint> {
  const run = randomBytes(4).toString('hex');
  const password = 'correct horse battery staple';
  const email = `every.${run}@example.test`;
  const user = {
    userId: (await client.registerUser({ email, name: 'Every Event', password })).user_id,
    email,
    password,
  };
  const resourceServer = await client.registerClient({ name: `api ${run}`, grant_types: ['client_credentials'] });
  const issued = await client.clientCredentials(resourceServer.client_id, resourceServer.client_secret);
  const revokedToken = String(issued.access_token);
  await expectStatus(await client.revoke(revokedToken), 200, 'revocation');

  await driveClients(client, run);
  await driveResources(client, run);
  await driveUsers(client, run, password);
  const { spa } = await driveCodeFlow(client, run, user);
  await driveDeviceFlow(client, run, user);
  await driveSessions(client, run, user, receiver);
  const personalAccessToken = await drivePersonalAccessTokens(client, user.userId);
  return { resourceServer, spa, redirectUri: REDIRECT, user, revokedToken, personalAccessToken };
}

/** Reads every event of every stream from Kafka, from the start to the end as it is now. */
export async function readLog(env: NodeJS.ProcessEnv): Promise<GrantlineEvent[]> {
  const log = new KafkaEventLog({
    brokers: (env.KAFKA_BROKERS ?? '').split(',').map((broker) => broker.trim()),
    clientId: 'grantline-e2e-log-reader',
    topicPrefix: env.GRANTLINE_KAFKA_TOPIC_PREFIX ?? '',
    appendTimeoutMs: 10_000,
  });
  const events: GrantlineEvent[] = [];
  try {
    await log.replay(streams, async (event) => {
      events.push(event);
    });
  } finally {
    await log.close();
  }
  return events;
}
