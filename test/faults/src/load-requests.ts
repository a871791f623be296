import { jtiOf, type Answer, type RequestKind } from './answers';
import { basic, postForm, type FormAnswer } from './http-form';
import { dueDevice, freeChain, pickRecent, takeForRevocation, type LoadPools } from './load-pools';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** The clients the load acts as, registered on the stack beforehand. */
export interface LoadClients {
  /** Confidential, client_credentials: issues, introspects and revokes. */
  service: { clientId: string; secret: string };
  /** Public, authorization_code + refresh_token: the refresh chains are its. */
  refreshClientId: string;
  /** Public, device_code: the polled devices are its. */
  deviceClientId: string;
}

/** Sends one request of a kind, or returns undefined when the pools hold nothing to send it for now. */
export type LoadRequest = (url: string, clients: LoadClients, pools: LoadPools) => Promise<Answer> | undefined;

function answerOf(kind: RequestKind, start: number, form: FormAnswer, ok: boolean, extra: Partial<Answer> = {}) {
  return {
    kind,
    start,
    end: Date.now(),
    status: form.status,
    ok,
    ...(form.error === undefined ? {} : { error: form.error }),
    ...extra,
  } satisfies Answer;
}

const issue: LoadRequest = (url, clients, pools) => {
  const start = Date.now();
  const { clientId, secret } = clients.service;
  return postForm(
    `${url}/oauth/token`,
    { grant_type: 'client_credentials', scope: 'read' },
    { authorization: basic(clientId, secret) },
  ).then((form) => {
    const token = form.status === 200 ? form.body.access_token : undefined;
    const jti = typeof token === 'string' ? jtiOf(token) : undefined;
    if (typeof token === 'string' && jti) pools.live.push({ token, jti });
    return answerOf('issue', start, form, jti !== undefined, jti ? { jti } : {});
  });
};

/** Alternates between a live token (must be active) and a revoked one (must not be). */
const introspect: LoadRequest = (url, clients, pools) => {
  const revoked = pools.askRevokedNext && pools.revoked.length > 0;
  pools.askRevokedNext = !pools.askRevokedNext;
  const held = pickRecent(revoked ? pools.revoked : pools.live, Math.random);
  if (!held) return undefined;
  const start = Date.now();
  const { clientId, secret } = clients.service;
  return postForm(`${url}/oauth/introspect`, { token: held.token }, { authorization: basic(clientId, secret) }).then(
    (form) => {
      const active = form.status === 200 && typeof form.body.active === 'boolean' ? form.body.active : undefined;
      return answerOf('introspect', start, form, active === !revoked, {
        jti: held.jti,
        ...(active === undefined ? {} : { active }),
        revokedBefore: revoked,
      });
    },
  );
};

const revoke: LoadRequest = (url, clients, pools) => {
  const held = takeForRevocation(pools);
  if (!held) return undefined;
  const start = Date.now();
  const { clientId, secret } = clients.service;
  return postForm(`${url}/oauth/revoke`, { token: held.token }, { authorization: basic(clientId, secret) }).then(
    (form) => {
      // Only a 200 makes the token one that must never be answered active again; after anything
      // else its state is unknown, and the load asks no more about it.
      if (form.status === 200) pools.revoked.push(held);
      return answerOf('revoke', start, form, form.status === 200, { jti: held.jti });
    },
  );
};

const refresh: LoadRequest = (url, clients, pools) => {
  const chain = freeChain(pools);
  if (!chain) return undefined;
  chain.busy = true;
  const start = Date.now();
  return postForm(`${url}/oauth/token`, {
    grant_type: 'refresh_token',
    refresh_token: chain.refreshToken,
    client_id: clients.refreshClientId,
  }).then((form) => {
    chain.busy = false;
    const refusedBefore = chain.refused;
    chain.refused = form.status === 503;
    const next = form.body.refresh_token;
    const token = form.body.access_token;
    const jti = form.status === 200 && typeof token === 'string' ? jtiOf(token) : undefined;
    if (form.status === 200 && typeof next === 'string') chain.refreshToken = next;
    // A 503 promises nothing happened (the log did not take it), so the same token is good again.
    else if (form.status !== 503) chain.retired = true;
    return answerOf('refresh', start, form, jti !== undefined && typeof next === 'string', {
      ...(jti ? { jti } : {}),
      refusedBefore,
    });
  });
};

const SLOW_DOWN_STEP_MS = 5_000;
/** Beyond the interval, so a poll is never early by the server's clock. */
const POLL_MARGIN_MS = 300;

const devicePoll: LoadRequest = (url, clients, pools) => {
  const device = dueDevice(pools, Date.now());
  if (!device) return undefined;
  device.busy = true;
  const start = Date.now();
  return postForm(`${url}/oauth/token`, {
    grant_type: DEVICE_CODE_GRANT,
    device_code: device.deviceCode,
    client_id: clients.deviceClientId,
  }).then((form) => {
    device.busy = false;
    // RFC 8628 §3.5: each slow_down adds 5 seconds to the interval.
    if (form.error === 'slow_down') device.intervalMs += SLOW_DOWN_STEP_MS;
    if (form.error === 'expired_token' || form.error === 'access_denied' || form.error === 'invalid_grant') {
      device.retired = true;
    }
    device.nextPollAt = Date.now() + device.intervalMs + POLL_MARGIN_MS;
    return answerOf('device-poll', start, form, form.status === 400 && form.error === 'authorization_pending');
  });
};

export const loadRequests: { readonly [K in RequestKind]: LoadRequest } = {
  issue,
  introspect,
  revoke,
  refresh,
  'device-poll': devicePoll,
};
