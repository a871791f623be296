import { randomBytes } from 'node:crypto';
import { FormBrowser, obtainTokens } from '@grantline/lib-testing';
import { postForm } from './http-form';
import type { LoadPools } from './load-pools';
import { DEVICE_CODE_GRANT, type LoadClients } from './load-requests';

const REDIRECT_URI = 'http://127.0.0.1/oauth/callback';

async function adminPost(
  url: string,
  adminToken: string,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Registers the load's clients, and a user whose grants feed the refresh chains. */
export async function registerLoadClients(
  url: string,
  adminToken: string,
): Promise<LoadClients & { user: { email: string; password: string } }> {
  const run = randomBytes(4).toString('hex');
  const service = await adminPost(url, adminToken, '/admin/clients', {
    name: `faults service ${run}`,
    grant_types: ['client_credentials'],
    scopes: 'read',
  });
  const refreshing = await adminPost(url, adminToken, '/admin/clients', {
    name: `faults app ${run}`,
    public: true,
    first_party: true,
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: 'read',
    redirect_uris: [REDIRECT_URI],
  });
  const device = await adminPost(url, adminToken, '/admin/clients', {
    name: `faults device ${run}`,
    public: true,
    grant_types: [DEVICE_CODE_GRANT],
    scopes: 'read',
  });
  const user = { email: `faults.${run}@example.test`, password: `faults-password-${run}` };
  await adminPost(url, adminToken, '/admin/users', { ...user, name: 'Fault Load' });
  return {
    service: { clientId: String(service.client_id), secret: String(service.client_secret) },
    refreshClientId: String(refreshing.client_id),
    deviceClientId: String(device.client_id),
    user,
  };
}

/** Adds `count` refresh chains, each from its own authorization-code grant. */
export async function addRefreshChains(
  url: string,
  clients: LoadClients & { user: { email: string; password: string } },
  pools: LoadPools,
  count: number,
): Promise<void> {
  const browser = new FormBrowser(url);
  for (let index = 0; index < count; index += 1) {
    const tokens = await obtainTokens(browser, {
      clientId: clients.refreshClientId,
      redirectUri: REDIRECT_URI,
      ...clients.user,
      scope: 'read',
    });
    if (typeof tokens.refresh_token !== 'string') throw new Error('the code exchange gave no refresh token');
    pools.chains.push({ refreshToken: tokens.refresh_token, busy: false, retired: false, refused: false });
  }
}

/** Replaces the polled devices with `count` fresh pending device codes. */
export async function renewDevices(url: string, clients: LoadClients, pools: LoadPools, count: number): Promise<void> {
  const devices: LoadPools['devices'] = [];
  for (let index = 0; index < count; index += 1) {
    const answer = await postForm(`${url}/oauth/device/code`, { client_id: clients.deviceClientId, scope: 'read' });
    const { device_code: deviceCode, interval } = answer.body;
    if (answer.status !== 200 || typeof deviceCode !== 'string' || typeof interval !== 'number') {
      throw new Error(`device authorization failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    devices.push({ deviceCode, intervalMs: interval * 1000, nextPollAt: 0, busy: false, retired: false });
  }
  pools.devices = devices;
}
