import { randomBytes } from 'node:crypto';
import type { Target } from './target';

export interface Client {
  id: string;
  secret: string;
}

export function basic(client: Client): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;
}

export function form(
  url: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
    signal: AbortSignal.timeout(10_000),
  });
}

/** POSTs JSON to the target's admin API and returns the 201 body. */
export async function adminCreate<T>(target: Target, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${target.origin}/admin/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 201) {
    throw new Error(`POST /admin/${path} failed: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as T;
}

export interface BenchUser {
  email: string;
  password: string;
}

/** A user with a random email and password, for flows that sign in on a page. */
export async function registerUser(target: Target): Promise<BenchUser> {
  const email = `bench.${randomBytes(6).toString('hex')}@example.test`;
  const password = randomBytes(18).toString('base64url');
  await adminCreate<{ user_id: string }>(target, 'users', { email, name: 'Bench User', password });
  return { email, password };
}

export async function registerClient(target: Target): Promise<Client> {
  const body = await adminCreate<{ client_id: string; client_secret: string }>(target, 'clients', {
    name: 'bench',
    grant_types: ['client_credentials'],
    scopes: 'read',
  });
  return { id: body.client_id, secret: body.client_secret };
}

export function tokenRequest(client: Client): Record<string, string> {
  return { grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret, scope: 'read' };
}

export async function issueToken(origin: string, client: Client): Promise<string> {
  const response = await form(`${origin}/oauth/token`, tokenRequest(client));
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  return String(((await response.json()) as { access_token: unknown }).access_token);
}

export async function isActive(url: string, token: string, client: Client): Promise<boolean> {
  const response = await form(`${url}/oauth/introspect`, { token }, { authorization: basic(client) });
  if (response.status !== 200) throw new Error(`introspection failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { active: unknown }).active === true;
}
