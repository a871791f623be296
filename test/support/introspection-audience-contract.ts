import { randomUUID } from 'node:crypto';
import { basic, type GrantlineTestClient } from './oauth-test-client';
import { pollUntil } from './poll-until';

const JWT = 'application/token-introspection+jwt';

/**
 * A resource server linked to its resource learns about the tokens meant for it and about no
 * other (RFC 7662 §4), in JSON and in signed answers (RFC 9701); an unlinked client learns about
 * every token, as before. Names are unique, so it can run against a shared server.
 */
export async function checkAudienceRestrictedIntrospection(baseUrl: string, admin: GrantlineTestClient): Promise<void> {
  const suffix = randomUUID();
  const orders = `https://orders-${suffix}.example.test/mcp`;
  const billing = `https://billing-${suffix}.example.test/`;
  for (const resource of [
    { uri: orders, name: 'Orders', scopes: 'orders:read' },
    { uri: billing, name: 'Billing', scopes: 'billing:read' },
  ]) {
    expect((await admin.admin('POST', '/admin/resources', resource)).status).toBe(201);
  }
  const app = await admin.registerClient({ name: 'audience app', scopes: 'orders:read billing:read' });
  const server = await admin.registerClient({ name: 'orders server', introspects_for: orders });
  const gateway = await admin.registerClient({ name: 'gateway' });

  const issue = async (resource: string): Promise<string> => {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.client_id,
      client_secret: app.client_secret,
      resource,
    });
    const response = await fetch(`${baseUrl}/oauth/token`, { method: 'POST', body });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const introspect = async (token: string, caller: { client_id: string; client_secret: string }, accept?: string) => {
    const response = await fetch(`${baseUrl}/oauth/introspect`, {
      method: 'POST',
      headers: { authorization: basic(caller.client_id, caller.client_secret), ...(accept ? { accept } : {}) },
      body: new URLSearchParams({ token }),
    });
    expect(response.status).toBe(200);
    return response;
  };
  const json = async (token: string, caller: { client_id: string; client_secret: string }) =>
    (await introspect(token, caller)).json();
  const signed = async (token: string) => {
    const text = await (await introspect(token, server, JWT)).text();
    return (JSON.parse(Buffer.from(text.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>)
      .token_introspection;
  };

  const forOrders = await issue(orders);
  const forBilling = await issue(billing);
  expect(await json(forOrders, server)).toMatchObject({ active: true, aud: orders, scope: 'orders:read' });
  expect(await json(forBilling, server)).toEqual({ active: false });
  expect(await signed(forOrders)).toMatchObject({ active: true, aud: orders });
  expect(await signed(forBilling)).toEqual({ active: false });
  expect(await json(forBilling, gateway)).toMatchObject({ active: true, aud: billing });

  // The link holds the resource: it cannot be deleted from under its server.
  expect((await admin.admin('DELETE', `/admin/resources/${encodeURIComponent(orders)}`)).status).toBe(409);
  // Unlinked through the admin API, the server gets the unrestricted answer again.
  const unlinked = await admin.admin('PATCH', `/admin/clients/${encodeURIComponent(server.client_id)}`, {
    introspects_for: null,
  });
  expect(await unlinked.json()).toMatchObject({ introspects_for: null });
  const answer = await pollUntil(
    () => json(forBilling, server),
    (body) => (body as { active: boolean }).active,
    5_000,
  );
  expect(answer).toMatchObject({ active: true, aud: billing });
}
