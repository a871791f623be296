import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import type * as OpenIdClient from 'openid-client' with { 'resolution-mode': 'import' };
import { stampEvent, type ClientSnapshot, type OpenIdClient as OpenIdSettings } from '@grantline/lib-events';
import type { EventLog } from '@grantline/lib-event-log';
import {
  authorize,
  codeExchange,
  FormBrowser,
  refresh,
  tokenRequest,
  type AuthorizeResult,
} from '@grantline/lib-testing';
import { HANG, type BackchannelReceiver } from './backchannel-receiver';
import type { GrantlineTestClient } from './oauth-test-client';
import { pollUntil } from './poll-until';

const REDIRECT_URI = 'https://rp.test/callback';
const SIGNED_OUT_URI = 'https://rp.test/signed-out';
const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** How a mode gives a registered client OpenID Connect settings (no admin path sets them yet). */
export type SetOpenId = (clientId: string, openid: Partial<OpenIdSettings>) => Promise<void>;

/**
 * Changes a client's OpenID Connect settings with a ClientUpdated event on the log, built from
 * the newest snapshot the log holds of it, as an operator's update would be.
 */
export async function updateOpenIdOnLog(
  log: EventLog,
  clientId: string,
  openid: Partial<OpenIdSettings>,
): Promise<void> {
  let snapshot: ClientSnapshot | undefined;
  await log.replay(['clients'], async (event) => {
    if (
      (event.type === 'ClientRegistered' || event.type === 'ClientUpdated' || event.type === 'ClientSecretRotated') &&
      event.data.client.clientId === clientId
    ) {
      snapshot = event.data.client;
    }
  });
  if (!snapshot) throw new Error(`client ${clientId} is not on the log`);
  const client = { ...snapshot, openid: { ...snapshot.openid, ...openid } };
  await log.append([
    stampEvent(
      { type: 'ClientUpdated', aggregate: { type: 'client', id: clientId }, data: { client } },
      { now: () => new Date() },
    ),
  ]);
}

interface Party {
  clientId: string;
  redirectUri: string;
}

interface Setup {
  baseUrl: string;
  admin: GrantlineTestClient;
  receiver: BackchannelReceiver;
  setOpenId: SetOpenId;
}

/** A person to sign in, registered through the admin API. */
async function registerPerson(admin: GrantlineTestClient, tag: string) {
  const person = { email: `sessions-${tag}@example.test`, password: 'a long sessions password' };
  const { user_id: userId } = await admin.registerUser({ ...person, name: 'Session Person' });
  return { person, userId };
}

/** A first-party relying party whose back channel answers `statuses` in turn, its settings visible. */
async function registerParty({ baseUrl, admin, receiver, setOpenId }: Setup, name: string, ...statuses: number[]) {
  const { client_id: clientId } = await admin.registerClient({
    name,
    public: true,
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: 'openid offline_access read',
    first_party: true,
  });
  const path = `/backchannel-${clientId}`;
  await setOpenId(clientId, {
    postLogoutRedirectUris: [SIGNED_OUT_URI],
    backchannelLogoutUri: receiver.endpoint(path, ...statuses),
  });
  const query = new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: SIGNED_OUT_URI });
  const seen = await pollUntil(
    () => fetch(`${baseUrl}/oauth/logout?${query}`, { redirect: 'manual' }).then((response) => response.status),
    (status) => status === 302,
    10_000,
  );
  if (seen !== 302) throw new Error(`the logout settings of ${clientId} did not become visible`);
  return { party: { clientId, redirectUri: REDIRECT_URI }, path };
}

/** Two relying parties and a person, with the parties' logout settings visible. */
async function prepare(setup: Setup) {
  const tag = randomBytes(4).toString('hex');
  const { person, userId } = await registerPerson(setup.admin, tag);
  // The notified party's receiver fails twice before it answers; the other one never does.
  const { party: notified, path: okPath } = await registerParty(setup, `Notified ${tag}`, 503, 500, 200);
  const { party: unreachable, path: downPath } = await registerParty(setup, `Unreachable ${tag}`, 500);
  return { person, userId, notified, unreachable, okPath, downPath };
}

async function tokensOf(
  browser: FormBrowser,
  party: Party,
  person: { email: string; password: string },
  scope: string,
) {
  const result: AuthorizeResult = await authorize(browser, { ...party, ...person, scope });
  const { status, body } = await tokenRequest(browser.baseUrl, codeExchange(result, party));
  if (status !== 200) throw new Error(`code exchange failed: ${status} ${JSON.stringify(body)}`);
  return { pages: result.pages, refreshToken: String(body.refresh_token), idToken: String(body.id_token) };
}

/** openid-client configured for the party (it builds the logout URLs), and a browser signed in for it. */
async function signedInRelyingParty(baseUrl: string, party: Party, person: { email: string; password: string }) {
  const client: typeof OpenIdClient = await import('openid-client');
  const config = new client.Configuration(
    { issuer: baseUrl, end_session_endpoint: `${baseUrl}/oauth/logout` },
    party.clientId,
  );
  // The test server answers on plain http (loopback).
  client.allowInsecureRequests(config);
  const browser = new FormBrowser(baseUrl);
  const { refreshToken, idToken } = await tokensOf(browser, party, person, 'openid read');
  return { client, config, browser, refreshToken, idToken };
}

async function auditOf(
  admin: GrantlineTestClient,
  type: string,
  filter: { client_id: string } | { subject: string },
): Promise<Array<Record<string, unknown>>> {
  const response = await admin.admin('GET', `/admin/audit?${new URLSearchParams({ type, ...filter })}`);
  const body = (await response.json()) as { entries?: Array<{ data: Record<string, unknown> }> };
  return (body.entries ?? []).map((entry) => entry.data);
}

/**
 * An operator ends a person's session: the next authorization asks them to sign in again, a
 * grant of a party that ends grants with the session is refused at refresh while an
 * offline_access grant keeps working, and each party given codes in the session is told over its
 * back channel (retried until it answers; recorded as failed when it never does).
 */
export async function checkOperatorEndsSession(setup: Setup): Promise<void> {
  const { admin, receiver, baseUrl } = setup;
  const { person, userId, notified, unreachable, okPath, downPath } = await prepare(setup);
  const browser = new FormBrowser(baseUrl);
  const online = await tokensOf(browser, notified, person, 'openid read');
  expect(online.pages).toEqual(['sign-in']);
  const offline = await tokensOf(browser, notified, person, 'openid offline_access');
  expect(offline.pages).toEqual([]);
  await tokensOf(browser, unreachable, person, 'openid read');

  const listed = (await (await admin.admin('GET', `/admin/users/${userId}/sessions`)).json()) as {
    sessions: Array<{ session_id: string; client_id: string }>;
  };
  expect(listed.sessions).toEqual([expect.objectContaining({ client_id: notified.clientId })]);
  const [session] = listed.sessions;
  const ended = await admin.admin('DELETE', `/admin/users/${userId}/sessions/${session?.session_id}`);
  expect(ended.status).toBe(204);
  expect((await admin.admin('DELETE', `/admin/users/${userId}/sessions/${session?.session_id}`)).status).toBe(404);

  expect((await refresh(baseUrl, notified.clientId, online.refreshToken)).body).toMatchObject({
    error: 'invalid_grant',
  });
  expect((await refresh(baseUrl, notified.clientId, offline.refreshToken)).status).toBe(200);
  expect((await authorize(browser, { ...notified, ...person, scope: 'openid read' })).pages).toEqual(['sign-in']);

  const delivered = await pollUntil(
    () => auditOf(admin, 'BackchannelLogoutDelivered', { client_id: notified.clientId }),
    (found) => found.length > 0,
    30_000,
  );
  expect(delivered).toEqual([
    { sessionId: session?.session_id, clientId: notified.clientId, attempts: 3, status: 200 },
  ]);
  const failed = await pollUntil(
    () => auditOf(admin, 'BackchannelLogoutFailed', { client_id: unreachable.clientId }),
    (found) => found.length > 0,
    30_000,
  );
  expect(failed).toEqual([
    {
      sessionId: session?.session_id,
      clientId: unreachable.clientId,
      attempts: 4,
      status: 500,
      reason: 'answered 500',
    },
  ]);
  expect(receiver.received(okPath)).toHaveLength(3);
  expect(receiver.received(downPath)).toHaveLength(4);

  const jwks = createRemoteJWKSet(new URL(`${baseUrl}/.well-known/jwks.json`));
  const { payload, protectedHeader } = await jwtVerify(receiver.received(okPath)[2] ?? '', jwks, {
    audience: notified.clientId,
    typ: 'logout+jwt',
  });
  expect(protectedHeader.alg).toBe('RS256');
  expect(payload).toMatchObject({ sub: userId, sid: session?.session_id, events: { [BACKCHANNEL_EVENT]: {} } });
  expect(payload).not.toHaveProperty('nonce');
}

/**
 * RP-initiated logout built by openid-client: without an ID token the person confirms on a page
 * bound to their browser, then returns to the registered URI with the state; the session is over
 * on every replica and its grants end. Unregistered return URIs and forms from elsewhere are refused.
 */
export async function checkRpInitiatedLogout(setup: Setup): Promise<void> {
  const { baseUrl } = setup;
  const { person, notified } = await prepare(setup);
  const { client, config, browser, refreshToken } = await signedInRelyingParty(baseUrl, notified, person);

  const unregistered = client.buildEndSessionUrl(config, { post_logout_redirect_uri: 'https://evil.test/' });
  const refused = await browser.get(unregistered.href);
  expect(refused.status).toBe(400);
  expect(refused.headers.get('location')).toBeNull();

  const logoutUrl = client.buildEndSessionUrl(config, { post_logout_redirect_uri: SIGNED_OUT_URI, state: 'bye-1' });
  const confirm = await browser.get(logoutUrl.href);
  expect(confirm.status).toBe(200);
  const page = await confirm.text();
  expect(page).toContain('Sign out of Grantline?');
  // A form posted from another site, or without this browser's cookie, is refused.
  expect((await new FormBrowser(baseUrl).submit(page, {})).status).toBe(403);
  expect((await browser.submit(page, {}, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);

  const done = await browser.submit(page, {});
  expect(done.status).toBe(303);
  expect(done.headers.get('location')).toBe(`${SIGNED_OUT_URI}?state=bye-1`);
  expect(done.headers.getSetCookie().some((cookie) => cookie.startsWith('grantline_session=;'))).toBe(true);
  expect((await refresh(baseUrl, notified.clientId, refreshToken)).body).toMatchObject({ error: 'invalid_grant' });
  expect((await authorize(browser, { ...notified, ...person, scope: 'openid read' })).pages).toEqual(['sign-in']);

  // A browser with nothing left to end is harmlessly sent back to the registered URI.
  const signedOut = new FormBrowser(baseUrl);
  const again = await signedOut.get(
    client.buildEndSessionUrl(config, { post_logout_redirect_uri: SIGNED_OUT_URI }).href,
  );
  expect(again.status).toBe(302);
  expect(again.headers.get('location')).toBe(SIGNED_OUT_URI);
}

/**
 * RP-initiated logout with the ID token issued in the browser's session (its `sid` is the session
 * the operator sees): no question asked, straight back with the state, the session over and its grants ended. The
 * same kind of token from an earlier session of the person only gets the confirmation page.
 */
export async function checkLogoutWithIdTokenHint(setup: Setup): Promise<void> {
  const { baseUrl, admin } = setup;
  const { person, userId, notified } = await prepare(setup);
  const { client, config, browser, refreshToken, idToken } = await signedInRelyingParty(baseUrl, notified, person);
  const listed = (await (await admin.admin('GET', `/admin/users/${userId}/sessions`)).json()) as {
    sessions: Array<{ session_id: string }>;
  };
  expect(decodeJwt(idToken)).toMatchObject({ sub: userId, sid: listed.sessions[0]?.session_id });
  const logoutUrl = client.buildEndSessionUrl(config, {
    id_token_hint: idToken,
    post_logout_redirect_uri: SIGNED_OUT_URI,
    state: 'hinted',
  });
  const done = await browser.get(logoutUrl.href);
  expect(done.status).toBe(302);
  expect(done.headers.get('location')).toBe(`${SIGNED_OUT_URI}?state=hinted`);
  expect((await refresh(baseUrl, notified.clientId, refreshToken)).body).toMatchObject({ error: 'invalid_grant' });

  // Signed in again: the old session's ID token does not end the new session without asking.
  expect((await authorize(browser, { ...notified, ...person, scope: 'openid read' })).pages).toEqual(['sign-in']);
  const stale = await browser.get(logoutUrl.href);
  expect(stale.status).toBe(200);
  expect(await stale.text()).toContain('Sign out of Grantline?');
}

/** Signing in again in the same browser (prompt=login) ends the session it held: one live session, a new id. */
export async function checkSigningInAgainEndsTheOldSession(setup: Setup): Promise<void> {
  const { baseUrl, admin } = setup;
  const { person, userId, notified } = await prepare(setup);
  const sessions = async () =>
    (
      (await (await admin.admin('GET', `/admin/users/${userId}/sessions`)).json()) as {
        sessions: Array<{ session_id: string }>;
      }
    ).sessions;
  const browser = new FormBrowser(baseUrl);
  expect((await authorize(browser, { ...notified, ...person, scope: 'openid read' })).pages).toEqual(['sign-in']);
  const [before] = await sessions();
  const again = await authorize(browser, { ...notified, ...person, scope: 'openid read', extra: { prompt: 'login' } });
  expect(again.pages).toEqual(['sign-in']);
  const after = await pollUntil(
    sessions,
    (live) => live.length === 1 && live[0]?.session_id !== before?.session_id,
    5_000,
  );
  expect(after).toHaveLength(1);
  expect(after[0]?.session_id).not.toBe(before?.session_id);
  const ended = await pollUntil(
    () => auditOf(admin, 'SessionEnded', { subject: userId }),
    (found) => found.length > 0,
    10_000,
  );
  expect(ended).toEqual(
    expect.arrayContaining([expect.objectContaining({ sessionId: before?.session_id, reason: 'signed_in_again' })]),
  );
}

/**
 * The replica sending a back-channel notice dies while the relying party keeps it waiting: the
 * replica the log hands the session's end to sends the notice once the dead one's lease has run
 * out, and it is recorded once. `killSender` kills the process that opened the connection the
 * receiver saw from a local port.
 */
export async function checkNoticeOutlivesItsSender(
  setup: Setup,
  killSender: (port: number) => Promise<void>,
): Promise<void> {
  const { admin, receiver, baseUrl } = setup;
  const tag = randomBytes(4).toString('hex');
  const { person, userId } = await registerPerson(admin, tag);
  const { party, path } = await registerParty(setup, `Failover ${tag}`, HANG, 200);
  await tokensOf(new FormBrowser(baseUrl), party, person, 'openid read');
  const listed = (await (await admin.admin('GET', `/admin/users/${userId}/sessions`)).json()) as {
    sessions: Array<{ session_id: string }>;
  };
  const sessionId = listed.sessions[0]?.session_id;
  expect((await admin.admin('DELETE', `/admin/users/${userId}/sessions/${sessionId}`)).status).toBe(204);

  const [port] = await pollUntil(
    async () => receiver.senders(path),
    (senders) => senders.length > 0,
    15_000,
  );
  if (port === undefined) throw new Error('no back-channel notice was sent');
  // Before the sender's fetch times out (GRANTLINE_FETCH_TIMEOUT_MS, 5 s) and it tries again.
  await killSender(port);

  const delivered = await pollUntil(
    () => auditOf(admin, 'BackchannelLogoutDelivered', { client_id: party.clientId }),
    (found) => found.length > 0,
    90_000,
  );
  expect(delivered).toEqual([{ sessionId, clientId: party.clientId, attempts: 1, status: 200 }]);
  expect(receiver.received(path)).toHaveLength(2);
  expect(await auditOf(admin, 'BackchannelLogoutFailed', { client_id: party.clientId })).toEqual([]);
}
