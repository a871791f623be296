import { z } from 'zod';
import { redirectWith } from '../authorize/redirect-uri';
import type { DirectoryClient } from '../clients/client-directory';
import type { OAuthContext } from '../oauth-context';
import { openIdSubject } from '../openid/subject';
import { verifyIdTokenHint } from '../openid/id-token-hint';

/** RP-Initiated Logout 1.0 §2: the parameters of a logout request; others are ignored. */
const LOGOUT_PARAMETERS = ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales'] as const;

const logoutParametersSchema = z.object({
  id_token_hint: z.string().min(1).max(8192).optional(),
  client_id: z.string().min(1).max(2048).optional(),
  post_logout_redirect_uri: z.string().min(1).max(2048).optional(),
  state: z.string().max(2048).optional(),
  /** Accepted and ignored: the pages are in one language. */
  ui_locales: z.string().max(256).optional(),
});
export type LogoutParameters = z.infer<typeof logoutParametersSchema>;

/** What an ID token sent with a logout says: the person, the client it was issued to, its session. */
export interface LogoutHint {
  sub: string;
  /** Its single audience, or `azp` when there are several. */
  clientId: string;
  sid?: string;
}

/** A checked logout request: whom it came from, and where the browser goes afterwards. */
export interface LogoutRequest {
  /** The ID token the client sent, when it is one we issued. */
  hint: LogoutHint | null;
  /** The client, from the hint or `client_id`; null when neither names one. */
  client: DirectoryClient | null;
  /** A registered post-logout redirect URI with `state`; null: show the signed-out page. */
  redirect: string | null;
}

export type LogoutCheck =
  /** `query`: the request's own parameters again, to carry through the confirmation form. */
  { ok: true; request: LogoutRequest; query: string } | { ok: false; message: string };

/** The browser's session as the cookie holds it. */
export interface BrowserSessionFacts {
  userId: string;
  /** Absent for a session sealed before sessions had ids. */
  sessionId?: string;
}

function refused(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

/** The parameters of a query string or form body: each at most once, empty ones absent, others ignored. */
export function logoutParametersOf(
  params: URLSearchParams,
): { ok: true; parameters: LogoutParameters; query: string } | { ok: false; message: string } {
  const picked: Record<string, string> = {};
  for (const name of LOGOUT_PARAMETERS) {
    const values = params.getAll(name);
    if (values.length > 1) return refused(`The parameter ${name} is repeated.`);
    if (values[0] !== undefined && values[0] !== '') picked[name] = values[0];
  }
  const parsed = logoutParametersSchema.safeParse(picked);
  if (!parsed.success) return refused('A parameter is too long.');
  return { ok: true, parameters: parsed.data, query: new URLSearchParams(picked).toString() };
}

/**
 * Checks a logout request (RP-Initiated Logout 1.0 §2-3). The browser is only ever sent to a
 * post_logout_redirect_uri the client registered, exactly as registered, and only when the client
 * is known from the ID token or `client_id`; anything else is refused with a page, never a
 * redirect. A hint we did not issue is refused too: a client that sends one expects it to count.
 */
export async function checkLogoutRequest(
  context: Pick<OAuthContext, 'keys' | 'settings' | 'clients'>,
  sent: URLSearchParams,
): Promise<LogoutCheck> {
  const parsed = logoutParametersOf(sent);
  if (!parsed.ok) return parsed;
  const { parameters: params, query } = parsed;
  let hint: LogoutHint | null = null;
  if (params.id_token_hint !== undefined) {
    hint = logoutHintOf(await verifyIdTokenHint(context.keys, context.settings.issuer, params.id_token_hint));
    if (hint === null) return refused('The ID token sent with the sign-out request was not issued here.');
  }
  if (hint !== null && params.client_id !== undefined && params.client_id !== hint.clientId) {
    return refused('The client_id does not match the ID token sent with the sign-out request.');
  }
  const clientId = hint?.clientId ?? params.client_id;
  const client = clientId === undefined ? null : await context.clients.find(clientId);
  if (clientId !== undefined && client === null) return refused('The app that asked to sign you out is not known.');
  const uri = params.post_logout_redirect_uri;
  if (uri === undefined) return { ok: true, request: { hint, client, redirect: null }, query };
  // §3: the client must be identified, and the URI must be one it registered (exact match).
  if (client === null) return refused('The sign-out request does not say which app it comes from.');
  if (!client.openid.postLogoutRedirectUris.includes(uri)) {
    return refused('The address to return to after signing out is not registered for this app.');
  }
  return { ok: true, request: { hint, client, redirect: redirectWith(uri, { state: params.state }) }, query };
}

/** The client an ID token was issued to: its single audience, or `azp` among several; null when unclear. */
function logoutHintOf(token: Awaited<ReturnType<typeof verifyIdTokenHint>>): LogoutHint | null {
  if (token === null) return null;
  const { sub, aud, azp, sid } = token;
  const clientId = aud.length === 1 ? aud[0] : azp !== undefined && aud.includes(azp) ? azp : undefined;
  if (clientId === undefined) return null;
  return { sub, clientId, ...(sid === undefined ? {} : { sid }) };
}

/**
 * Whether the ID token was issued in this browser's session: by its `sid` when it has one, else
 * by its subject (the client's `sub` for the browser's user).
 */
export function hintNamesSession(
  request: LogoutRequest,
  session: BrowserSessionFacts,
  pairwiseSalt: string | null,
): boolean {
  const { hint, client } = request;
  if (hint === null || client === null) return false;
  if (hint.sid !== undefined) return session.sessionId !== undefined && hint.sid === session.sessionId;
  try {
    return openIdSubject(client, session.userId, pairwiseSalt) === hint.sub;
  } catch {
    return false;
  }
}
