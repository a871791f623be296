import type { Request, Response } from 'express';
import { oauthRequestOf } from '@grantline/lib-runtime';
import { WRITE_THROUGH, recordDecision, sessionStartEvents, signIn, type OAuthContext } from '@grantline/lib-oauth';
import type { UserRecord } from '@grantline/lib-projections';
import type { BrowserSession, BrowserState } from './browser-state';

export type SignInSubmission =
  | { ok: true; user: UserRecord; session: BrowserSession }
  /** Show the sign-in form again with this status and message. */
  | { ok: false; status: number; email: string; error: string };

/**
 * One sign-in form post, for the authorization and the device verification pages alike: the
 * outcome is recorded (never the password), failures are limited per account and address,
 * and a success starts the browser session, recorded with the sign-in. A session the browser
 * held before ends: the person signed in again, and the new session has a new id.
 */
export async function submitSignIn(
  context: OAuthContext,
  state: BrowserState,
  req: Request,
  res: Response,
  clientId: string,
): Promise<SignInSubmission> {
  const body = req.body as Record<string, unknown>;
  const email = typeof body.email === 'string' ? body.email : '';
  const password = typeof body.password === 'string' ? body.password : '';
  if (email === '' || password === '')
    return { ok: false, status: 400, email, error: 'Enter your email and password.' };
  const request = oauthRequestOf(req);
  const outcome = await signIn(context, request, { email, password, clientId });
  if (!outcome.ok) {
    await recordDecision(context, { events: [outcome.event] });
    const limited = outcome.reason === 'rate_limited';
    if (limited) res.set('Retry-After', String(context.settings.signIn.windowSeconds));
    return { ok: false, status: limited ? 429 : 401, email, error: outcome.message };
  }
  const previous = await state.readSession(req);
  const fresh = state.newSession(outcome.user);
  const { session, expiresAt } = fresh;
  const started = {
    sessionId: session.sid,
    userId: session.uid,
    authTime: session.auth_time,
    amr: session.amr,
    expiresAt,
  };
  const replaced = previous?.sid === undefined ? null : { sessionId: previous.sid, userId: previous.uid };
  const events = [outcome.event, ...sessionStartEvents(context, request, started, clientId, replaced)];
  // Written through when an old session ends, so no replica lets the old cookie back in. The
  // cookie is set only once the session is recorded.
  await recordDecision(context, replaced === null ? { events } : { events, readOwnWrite: WRITE_THROUGH });
  await state.keepSession(res, fresh);
  return { ok: true, user: outcome.user, session };
}
