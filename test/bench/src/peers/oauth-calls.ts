import { z } from 'zod';
import type { RunningPeer } from './peer';

const tokenResponse = z.object({ access_token: z.string().min(1) });
const introspectionResponse = z.object({ active: z.boolean() });

function basicHeader(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export interface PreparedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const FORM = 'application/x-www-form-urlencoded';

/** The client_credentials request as the load generator sends it. */
export function tokenRequest(peer: RunningPeer): PreparedRequest {
  const params: Record<string, string> = { grant_type: 'client_credentials', scope: peer.scope };
  const headers: Record<string, string> = { 'content-type': FORM };
  if (peer.tokenAuth === 'basic') headers.authorization = basicHeader(peer.clientId, peer.clientSecret);
  else Object.assign(params, { client_id: peer.clientId, client_secret: peer.clientSecret });
  return { url: peer.tokenUrl, headers, body: new URLSearchParams(params).toString() };
}

/** The introspection request for one token. */
export function introspectionRequest(peer: RunningPeer, token: string): PreparedRequest {
  const headers: Record<string, string> = { 'content-type': FORM };
  if (peer.introspectionAuth === 'basic') headers.authorization = basicHeader(peer.clientId, peer.clientSecret);
  return { url: peer.introspectUrl, headers, body: new URLSearchParams({ token }).toString() };
}

async function post(request: PreparedRequest): Promise<unknown> {
  const response = await fetch(request.url, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST ${request.url}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

export async function issueToken(peer: RunningPeer): Promise<string> {
  return tokenResponse.parse(await post(tokenRequest(peer))).access_token;
}

export async function isActive(peer: RunningPeer, token: string): Promise<boolean> {
  return introspectionResponse.parse(await post(introspectionRequest(peer, token))).active;
}

/** Issues `count` tokens with at most `concurrency` requests in flight, fewer if time runs out. */
export async function issueTokens(
  peer: RunningPeer,
  count: number,
  concurrency: number,
  timeLimitMs: number,
): Promise<string[]> {
  const tokens: string[] = [];
  const deadline = Date.now() + timeLimitMs;
  let next = 0;
  const worker = async () => {
    while (next < count && Date.now() < deadline) {
      next += 1;
      tokens.push(await issueToken(peer));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return tokens;
}

/** How many of a sample of tokens introspect as inactive (evenly spread over the list). */
export async function inactiveInSample(peer: RunningPeer, tokens: string[], sampleSize: number): Promise<number> {
  const step = Math.max(1, Math.floor(tokens.length / sampleSize));
  let inactive = 0;
  for (let index = 0; index < tokens.length && index / step < sampleSize; index += step) {
    if (!(await isActive(peer, tokens[index] as string))) inactive += 1;
  }
  return inactive;
}
