import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { DEVICE_CODE_GRANT } from '@grantline/lib-events';
import { approveDevice, authorize, codeExchange, FormBrowser, tokenRequest } from '@grantline/lib-testing';
import { sleep, startDevice } from '../support/device-flow-contract';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { SHARED_STACK_SETTINGS, sharedTestStack, type TestStack } from './stack-fixture';

/**
 * DPoP (RFC 9449) across the stack: a proof's jti is claimed in the Redis every replica and
 * service shares, so a proof is used once wherever it goes; nonces are the same on every replica;
 * `htu` is the public origin's URL however the request arrives.
 */
const NONCE_PERIOD = Number(SHARED_STACK_SETTINGS.GRANTLINE_DPOP_NONCE_PERIOD);
const REDIRECT = 'http://127.0.0.1:5000/oauth/callback';
const password = 'dpop-stack-password';
const run = randomBytes(4).toString('hex');
const email = `dpop.${run}@example.test`;
const USED = 'The DPoP proof was already used';
const ANOTHER_URL = 'The DPoP proof is for another URL';

interface ProofKey {
  privateKey: KeyObject;
  jwk: JWK;
  jkt: string;
}

let stack: TestStack;
let client: GrantlineTestClient;
let issuer: string;
let tokenReplicas: string[];
let introspectionReplicas: string[];
let key: ProofKey;
let service: { client_id: string; client_secret: string };
let nonced: { client_id: string; client_secret: string };
let resourceServer: { client_id: string; client_secret: string };
let spa: string;

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

async function newKey(): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return { privateKey: privateKey as KeyObject, jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
}

/** A proof for POST /oauth/token at the public origin, unless `claims` says otherwise. */
function proof(claims: Record<string, unknown> = {}, by: ProofKey = key): Promise<string> {
  const payload = {
    jti: randomBytes(12).toString('base64url'),
    htm: 'POST',
    htu: `${issuer}/oauth/token`,
    iat: Math.floor(Date.now() / 1000),
    ...claims,
  };
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: by.jwk }).sign(by.privateKey);
}

const resourceProof = (accessToken: string, claims: Record<string, unknown> = {}) =>
  proof({ htm: 'GET', htu: `${issuer}/api/user`, ath: sha256(accessToken), ...claims });

const clientCredentials = (baseUrl: string, registered: { client_id: string; client_secret: string }, dpop?: string) =>
  tokenRequest(
    baseUrl,
    { grant_type: 'client_credentials', client_id: registered.client_id, client_secret: registered.client_secret },
    dpop === undefined ? {} : { DPoP: dpop },
  );

async function userInfo(baseUrl: string, accessToken: string, dpop: string) {
  const response = await fetch(`${baseUrl}/api/user`, {
    headers: { authorization: `DPoP ${accessToken}`, dpop },
    signal: AbortSignal.timeout(10_000),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    challenge: response.headers.get('www-authenticate'),
  };
}

/** A user access token bound to `key`, from the authorization code flow at the public origin. */
async function boundUserTokens(): Promise<{ access_token: string; refresh_token: string }> {
  const result = await authorize(new FormBrowser(stack.url), { clientId: spa, redirectUri: REDIRECT, email, password });
  const answer = await tokenRequest(stack.url, codeExchange(result, { clientId: spa, redirectUri: REDIRECT }), {
    DPoP: await proof(),
  });
  expect([answer.status, answer.body.token_type]).toEqual([200, 'DPoP']);
  return answer.body as { access_token: string; refresh_token: string };
}

beforeAll(async () => {
  stack = await sharedTestStack();
  client = new GrantlineTestClient(stack.url, stack.adminToken);
  issuer = String(stack.env.GRANTLINE_ISSUER);
  tokenReplicas = stack.services.filter((started) => started.name === 'token').map((started) => started.url);
  introspectionReplicas = stack.services
    .filter((started) => started.name === 'introspection')
    .map((started) => started.url);
  key = await newKey();
  await client.registerUser({ email, name: 'Dee Pop', password });
  service = await client.registerClient({ name: `dpop service ${run}`, grant_types: ['client_credentials'] });
  nonced = await client.registerClient({
    name: `dpop nonce service ${run}`,
    grant_types: ['client_credentials'],
    dpop_nonce: true,
  });
  resourceServer = await client.registerClient({ name: `dpop API ${run}`, grant_types: ['client_credentials'] });
  spa = (
    await client.registerClient({
      name: `dpop spa ${run}`,
      public: true,
      first_party: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'read',
      redirect_uris: [REDIRECT],
    })
  ).client_id;
}, 120_000);

describe('replay across replicas', () => {
  it('refuses a proof on the second token replica, and on the first again, once the first accepted it', async () => {
    expect(tokenReplicas).toHaveLength(2);
    const [first = '', second = ''] = tokenReplicas;
    const dpop = await proof();
    const accepted = await clientCredentials(first, service, dpop);
    expect([accepted.status, accepted.body.token_type]).toEqual([200, 'DPoP']);
    for (const replica of [second, first]) {
      const replayed = await clientCredentials(replica, service, dpop);
      expect([replayed.status, replayed.body.error, replayed.body.error_description]).toEqual([
        400,
        'invalid_dpop_proof',
        USED,
      ]);
    }
  });

  it('lets exactly one of two token replicas accept a proof sent to both at once', async () => {
    for (let round = 0; round < 10; round += 1) {
      const dpop = await proof();
      const answers = await Promise.all(tokenReplicas.map((replica) => clientCredentials(replica, service, dpop)));
      expect([round, answers.map((answer) => answer.status).sort()]).toEqual([round, [200, 400]]);
      expect(answers.find((answer) => answer.status === 400)?.body.error_description).toBe(USED);
    }
  });

  it('claims a proof whose iat has a fraction of a second', async () => {
    const dpop = await proof({ iat: Date.now() / 1000 - 0.5 });
    expect((await clientCredentials(tokenReplicas[0] ?? '', service, dpop)).status).toBe(200);
    expect((await clientCredentials(tokenReplicas[1] ?? '', service, dpop)).body.error_description).toBe(USED);
  });

  it('refuses a resource proof on the second introspection replica, and on the first again', async () => {
    expect(introspectionReplicas).toHaveLength(2);
    const [first = '', second = ''] = introspectionReplicas;
    const { access_token: accessToken } = await boundUserTokens();
    const dpop = await resourceProof(accessToken);
    const accepted = await userInfo(first, accessToken, dpop);
    expect(accepted.status).toBe(200);
    expect(accepted.body.email).toBe(email);
    for (const replica of [second, first]) {
      const replayed = await userInfo(replica, accessToken, dpop);
      expect([replayed.status, replayed.body.error, replayed.body.error_description]).toEqual([
        401,
        'invalid_dpop_proof',
        USED,
      ]);
      expect(replayed.challenge).toMatch(/^DPoP error="invalid_dpop_proof"/);
    }
  });

  it('lets exactly one of two introspection replicas accept a resource proof sent to both at once', async () => {
    const { access_token: accessToken } = await boundUserTokens();
    for (let round = 0; round < 10; round += 1) {
      const dpop = await resourceProof(accessToken);
      const answers = await Promise.all(introspectionReplicas.map((replica) => userInfo(replica, accessToken, dpop)));
      expect([round, answers.map((answer) => answer.status).sort()]).toEqual([round, [200, 401]]);
    }
  });
});

describe('server nonces across replicas', () => {
  it('accepts on the second token replica a nonce the first handed out', async () => {
    const [first = '', second = ''] = tokenReplicas;
    const asked = await clientCredentials(first, nonced, await proof());
    expect([asked.status, asked.body.error]).toEqual([400, 'use_dpop_nonce']);
    const nonce = asked.headers.get('dpop-nonce');
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const issued = await clientCredentials(second, nonced, await proof({ nonce }));
    expect([issued.status, issued.body.token_type]).toEqual([200, 'DPoP']);
    expect(issued.headers.get('dpop-nonce')).toEqual(expect.any(String));
  });

  it(`refuses a nonce more than two periods (${NONCE_PERIOD} s) old, handing out a fresh one`, async () => {
    const asked = await clientCredentials(tokenReplicas[0] ?? '', nonced, await proof());
    const nonce = asked.headers.get('dpop-nonce');
    expect(nonce).toEqual(expect.any(String));
    // The replicas share this machine's clock: wait until its period is two past the one the nonce was made in.
    const madeIn = Math.floor(Date.now() / 1000 / NONCE_PERIOD);
    const staleAt = (madeIn + 2) * NONCE_PERIOD * 1000 + 250;
    await sleep(staleAt - Date.now());

    for (const replica of tokenReplicas) {
      const refused = await clientCredentials(replica, nonced, await proof({ nonce }));
      expect([refused.status, refused.body.error]).toEqual([400, 'use_dpop_nonce']);
      const fresh = refused.headers.get('dpop-nonce');
      expect(fresh).not.toBe(nonce);
      expect((await clientCredentials(replica, nonced, await proof({ nonce: fresh }))).status).toBe(200);
    }
  }, 40_000);
});

describe('the public origin', () => {
  it('issues a DPoP token for a proof naming the public origin, through the edge', async () => {
    const issued = await clientCredentials(stack.url, service, await proof());
    expect([issued.status, issued.body.token_type]).toEqual([200, 'DPoP']);
    const introspection = await client.introspect(
      String(issued.body.access_token),
      resourceServer.client_id,
      resourceServer.client_secret,
    );
    expect(introspection).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: key.jkt } });
  });

  it('refuses a proof naming a token replica’s own URL, sent to that replica or through the edge', async () => {
    const replica = tokenReplicas[0] ?? '';
    for (const target of [replica, stack.url]) {
      const refused = await clientCredentials(target, service, await proof({ htu: `${replica}/oauth/token` }));
      expect([refused.status, refused.body.error, refused.body.error_description]).toEqual([
        400,
        'invalid_dpop_proof',
        ANOTHER_URL,
      ]);
    }
  });

  it('refuses a resource proof naming an introspection replica’s own URL', async () => {
    const { access_token: accessToken } = await boundUserTokens();
    const replica = introspectionReplicas[0] ?? '';
    for (const target of [replica, stack.url]) {
      const refused = await userInfo(
        target,
        accessToken,
        await resourceProof(accessToken, { htu: `${replica}/api/user` }),
      );
      expect([refused.status, refused.body.error, refused.body.error_description]).toEqual([
        401,
        'invalid_dpop_proof',
        ANOTHER_URL,
      ]);
    }
    // The same token with a proof naming the public origin is fine on that replica.
    expect((await userInfo(replica, accessToken, await resourceProof(accessToken))).status).toBe(200);
  });
});

describe('device-code polls relayed by the token replicas', () => {
  let deviceClient: string;
  const person = () => new FormBrowser(stack.url);

  beforeAll(async () => {
    deviceClient = (
      await client.registerClient({
        name: `dpop device ${run}`,
        public: true,
        grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
        scopes: 'read',
      })
    ).client_id;
  });

  async function approvedDevice(): Promise<string> {
    const device = await startDevice(stack.url, { client_id: deviceClient, scope: 'read' });
    await approveDevice(person(), { userCode: device.user_code, email, password });
    return device.device_code;
  }

  const poll = (baseUrl: string, deviceCode: string, dpop?: string) =>
    tokenRequest(
      baseUrl,
      { grant_type: DEVICE_CODE_GRANT, client_id: deviceClient, device_code: deviceCode },
      dpop === undefined ? {} : { DPoP: dpop },
    );

  it('binds the device’s tokens to the proof sent through either token replica', async () => {
    for (const replica of tokenReplicas) {
      const answer = await poll(replica, await approvedDevice(), await proof());
      expect([answer.status, answer.body.token_type]).toEqual([200, 'DPoP']);
      const introspection = await client.introspect(
        String(answer.body.access_token),
        resourceServer.client_id,
        resourceServer.client_secret,
      );
      expect(introspection).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: key.jkt } });

      // A public client's refresh token is bound to the same key.
      const refreshToken = String(answer.body.refresh_token);
      const refresh = { grant_type: 'refresh_token', client_id: deviceClient, refresh_token: refreshToken };
      const other = replica === tokenReplicas[0] ? tokenReplicas[1] : tokenReplicas[0];
      expect((await tokenRequest(other ?? '', refresh)).body.error).toBe('invalid_grant');
      const refreshed = await tokenRequest(other ?? '', refresh, { DPoP: await proof() });
      expect([refreshed.status, refreshed.body.token_type]).toEqual([200, 'DPoP']);
    }
  });

  it('refuses a proof that a relayed poll used, on the other replica and for another grant, without counting a poll', async () => {
    const [first = '', second = ''] = tokenReplicas;
    const dpop = await proof();
    expect((await poll(first, await approvedDevice(), dpop)).status).toBe(200);

    const deviceCode = await approvedDevice();
    const replayed = await poll(second, deviceCode, dpop);
    expect([replayed.status, replayed.body.error, replayed.body.error_description]).toEqual([
      400,
      'invalid_dpop_proof',
      USED,
    ]);
    // The device-polling service and the token service share one jti store.
    expect((await clientCredentials(second, service, dpop)).body.error_description).toBe(USED);
    // The refused poll was not timed, so the next one is not too soon.
    const next = await poll(second, deviceCode, await proof());
    expect([next.status, next.body.token_type]).toEqual([200, 'DPoP']);
  });
});
