import { z } from 'zod';

const createdClient = z.object({ client_id: z.string(), client_secret: z.string() });

export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
}

/** A confidential client_credentials client with scope `read`, through Grantline's admin API. */
export async function registerGrantlineClient(origin: string, adminToken: string): Promise<RegisteredClient> {
  const response = await fetch(`${origin}/admin/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'peers-bench', grant_types: ['client_credentials'], scopes: 'read' }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${origin}/admin/clients: ${response.status} ${text}`);
  const body = createdClient.parse(JSON.parse(text));
  return { clientId: body.client_id, clientSecret: body.client_secret };
}

/** Settings both Grantline modes get here: no per-request logging, like the peers. */
export const GRANTLINE_BENCH_ENV: Record<string, string> = { LOG_LEVEL: 'warn' };
