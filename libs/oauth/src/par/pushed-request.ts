import { z } from 'zod';
import { epochSeconds } from '../clock';
import type { OAuthContext } from '../oauth-context';

/** RFC 9126 §2.2: the URN prefix of the `request_uri` a push answers with. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
/** A claim outlives its request by this much, so a replica whose clock lags cannot open it again. */
const CLAIM_MARGIN_SECONDS = 60;

/** What a pushed request's reference seals: its id, the client that pushed it and its parameters. */
const sealedPushSchema = z.object({
  /** Unique per push: the key of its one-time claim. */
  jti: z.string().min(1),
  client_id: z.string().min(1),
  /** The authorization parameters as pushed, form-encoded. */
  q: z.string(),
  exp: z.number().int(),
});

/** A pushed authorization request, opened from its `request_uri`. */
export interface PushedRequest {
  id: string;
  clientId: string;
  /** The authorization parameters, form-encoded: the only ones that count (RFC 9126 §4). */
  query: string;
  expiresAt: number;
}

export interface RequestReference {
  requestUri: string;
  expiresIn: number;
}

/**
 * Seals the parameters into the reference itself (docs/decisions/0042), so any authorize
 * replica holding the key ring opens it without a lookup; only its single use is shared state.
 */
export async function sealPushedRequest(
  context: Pick<OAuthContext, 'artifacts' | 'clock' | 'ids' | 'settings'>,
  clientId: string,
  parameters: URLSearchParams,
): Promise<RequestReference> {
  const expiresIn = context.settings.par.ttlSeconds;
  const payload = { jti: context.ids.tokenId(), client_id: clientId, q: parameters.toString() };
  const sealed = await context.artifacts.seal(
    'pushed-authorization-request',
    payload,
    epochSeconds(context.clock) + expiresIn,
  );
  return { requestUri: `${REQUEST_URI_PREFIX}${sealed}`, expiresIn };
}

/** The pushed request a `request_uri` names, if we sealed it and it has not expired; null otherwise. */
export async function openPushedRequest(
  context: Pick<OAuthContext, 'artifacts' | 'clock'>,
  requestUri: string,
): Promise<PushedRequest | null> {
  if (!requestUri.startsWith(REQUEST_URI_PREFIX)) return null;
  const sealed = requestUri.slice(REQUEST_URI_PREFIX.length);
  const opened = await context.artifacts.open('pushed-authorization-request', sealed, epochSeconds(context.clock));
  const parsed = sealedPushSchema.safeParse(opened);
  if (!parsed.success) return null;
  const { jti, client_id, q, exp } = parsed.data;
  return { id: jti, clientId: client_id, query: q, expiresAt: exp };
}

/**
 * RFC 9126 §4: a request_uri is used once. The claim is atomic in the guard store every
 * authorize replica shares, so exactly one GET /oauth/authorize wins it.
 */
export function claimPushedRequest(context: Pick<OAuthContext, 'guards'>, pushed: PushedRequest): Promise<boolean> {
  return context.guards.claimOnce(`par:${pushed.id}`, pushed.expiresAt + CLAIM_MARGIN_SECONDS);
}
