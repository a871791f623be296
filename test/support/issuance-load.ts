import { basic } from './oauth-test-client';

/** One request of the load that did not end in a 200. */
export interface LoadFailure {
  at: number;
  step: 'token' | 'introspect';
  /** The HTTP status, or the error a connection failure threw. */
  outcome: number | string;
  body?: string;
}

export interface LoadOutcome {
  requests: number;
  failures: LoadFailure[];
  /** The `jti` of every access token a loop received. */
  jtis: string[];
}

/** The `jti` claim of a JWT access token (read without verifying: the server issued it). */
export function jtiOf(accessToken: string): string {
  const payload = accessToken.split('.')[1] ?? '';
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: unknown };
  if (typeof claims.jti !== 'string') throw new Error('access token without a jti');
  return claims.jti;
}

async function post(url: string, body: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, text: await response.text() };
}

/**
 * `concurrency` loops, each issuing a client_credentials token and introspecting it, for
 * `durationMs`, through the public origin over kept-alive connections. Every answer that is not a
 * 200 (and, for introspection, `active: true`) and every connection error is recorded.
 */
export async function runIssuanceLoad(options: {
  url: string;
  clientId: string;
  clientSecret: string;
  concurrency: number;
  durationMs: number;
}): Promise<LoadOutcome> {
  const started = Date.now();
  const outcome: LoadOutcome = { requests: 0, failures: [], jtis: [] };
  const credentials = { authorization: basic(options.clientId, options.clientSecret) };
  const attempt = async <T>(step: LoadFailure['step'], run: () => Promise<T>): Promise<T | undefined> => {
    outcome.requests += 1;
    try {
      return await run();
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
      outcome.failures.push({ at: Date.now() - started, step, outcome: `${String(error)}${cause}` });
      return undefined;
    }
  };
  const loop = async () => {
    while (Date.now() - started < options.durationMs) {
      const issued = await attempt('token', () =>
        post(`${options.url}/oauth/token`, { grant_type: 'client_credentials' }, credentials),
      );
      if (!issued) continue;
      if (issued.status !== 200) {
        outcome.failures.push({ at: Date.now() - started, step: 'token', outcome: issued.status, body: issued.text });
        continue;
      }
      const token = (JSON.parse(issued.text) as { access_token: string }).access_token;
      outcome.jtis.push(jtiOf(token));
      const introspected = await attempt('introspect', () =>
        post(`${options.url}/oauth/introspect`, { token }, credentials),
      );
      if (!introspected) continue;
      const active = introspected.status === 200 && (JSON.parse(introspected.text) as { active?: unknown }).active;
      if (active !== true) {
        outcome.failures.push({
          at: Date.now() - started,
          step: 'introspect',
          outcome: introspected.status,
          body: introspected.text,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  return outcome;
}
