import { decodeJwt } from 'jose';
import { RESPONSE_MODES, type ResponseMode } from './response-mode';

/**
 * Where to answer a request whose parameters are in a request object (OpenID Connect Core §6.1),
 * which Grantline refuses with `request_not_supported`. The object's `response_mode` and `state`
 * take the place of those the query lacks, so the refusal reaches the client the way it is waiting
 * for it. Read without checking any signature: they only choose how the error goes to the redirect
 * URI the query named and the registration allowed, and echo the client's own state back to it.
 */
export function refusalChannelOf(requestObject: string): { responseMode?: ResponseMode; state?: string } {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(requestObject);
  } catch {
    return {};
  }
  const { response_mode: mode, state } = claims;
  return {
    ...(typeof mode === 'string' && (RESPONSE_MODES as readonly string[]).includes(mode)
      ? { responseMode: mode as ResponseMode }
      : {}),
    ...(typeof state === 'string' && state.length > 0 && state.length <= MAX_STATE_LENGTH ? { state } : {}),
  };
}

/** No client needs more; a longer one is not echoed from an object nobody checked. */
const MAX_STATE_LENGTH = 2_048;
