import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface AdminTarget {
  url: string;
  token: string;
}

/**
 * Where the CLI sends admin calls: --url / GRANTLINE_URL, and the admin token from
 * --admin-token / GRANTLINE_ADMIN_TOKEN or the data folder that embedded mode and the local
 * stack both write it to.
 */
export function adminTarget(options: { url?: string; adminToken?: string }): AdminTarget {
  const url = (options.url ?? process.env.GRANTLINE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const token = options.adminToken ?? process.env.GRANTLINE_ADMIN_TOKEN ?? tokenFromDataDir();
  if (!token) {
    throw new Error('No admin token: set GRANTLINE_ADMIN_TOKEN, or run from the folder where Grantline was started');
  }
  return { url, token };
}

function tokenFromDataDir(): string | undefined {
  const path = join(resolve(process.env.GRANTLINE_DATA_DIR ?? '.grantline/data'), 'admin-token');
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

export async function adminCall(target: AdminTarget, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${target.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${target.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : {};
  if (!response.ok) throw new Error(`${method} ${path} failed (${response.status}): ${text}`);
  return parsed;
}
