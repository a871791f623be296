// One iteration of the scenario, as k6/client-credentials.ts makes it: a client_credentials token request
// with the client's id and secret in the form body, then an introspection of that token with the client's
// Basic credentials. The seed's iteration instead calls an example API with the token and then introspects
// it without client authentication; Grantline's version puts one authenticated introspection in their place.
// Like the seed, an iteration does not sleep; a VU starts its next one at once.
import type { HttpPool, Reply } from './http-pool';
import { isExpectedStatus, type RunMetrics } from './metrics';
import { CHECKS, type Endpoint } from './scenario';

const FORM = 'application/x-www-form-urlencoded';

export interface IterationContext {
  pool: HttpPool;
  metrics: RunMetrics;
  /** The form body of the token request (grant_type, client_id, client_secret, scope). */
  tokenBody: string;
  /** The client's Authorization header for introspection. */
  introspectionAuthorization: string;
}

function json(reply: Reply): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(reply.body);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Records a reply; false when it was cut off (the iteration is then interrupted). */
function measured(context: IterationContext, endpoint: Endpoint, reply: Reply): boolean {
  if (reply.aborted) return false;
  context.metrics.request(endpoint, reply.durationMs, !isExpectedStatus(reply.status));
  return true;
}

/** Runs one iteration; resolves false when `signal` cut it off before it completed. */
export async function iteration(context: IterationContext, signal: AbortSignal): Promise<boolean> {
  const { metrics, pool } = context;
  const token = await pool.post('/oauth/token', { 'content-type': FORM }, context.tokenBody, signal);
  if (!measured(context, 'token', token)) return false;
  const accessToken = token.status === 200 ? json(token)?.access_token : undefined;
  // Like k6's check(), every check of a response is made and counted, also after one has failed.
  const statusOk = metrics.check(CHECKS.tokenStatus, token.status === 200);
  const hasToken = metrics.check(CHECKS.tokenHasAccessToken, typeof accessToken === 'string');
  if (!statusOk || !hasToken || typeof accessToken !== 'string') return true;

  const body = new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' }).toString();
  const headers = { 'content-type': FORM, authorization: context.introspectionAuthorization };
  const introspection = await pool.post('/oauth/introspect', headers, body, signal);
  if (!measured(context, 'introspect', introspection)) return false;
  metrics.check(CHECKS.introspectStatus, introspection.status === 200);
  metrics.check(CHECKS.introspectActive, introspection.status === 200 && json(introspection)?.active === true);
  return true;
}
