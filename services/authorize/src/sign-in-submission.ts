import type { Request, Response } from 'express';
import { oauthRequestOf } from '@grantline/lib-runtime';
import { recordDecision, signIn, type OAuthContext } from '@grantline/lib-oauth';
import type { UserRecord } from '@grantline/lib-projections';
import type { BrowserSession, BrowserState } from './browser-state';

export type SignInSubmission =
  | { ok: true; user: UserRecord; session: BrowserSession }
  /** Show the sign-in form again with this status and message. */
  | { ok: false; status: number; email: string; error: string };

/**
 * One sign-in form post, for the authorization and the device verification pages alike: the
 * outcome is recorded (never the password), failures are limited per account and address,
 * and a success starts the browser session.
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
  const outcome = await signIn(context, oauthRequestOf(req), { email, password, clientId });
  await recordDecision(context, { events: [outcome.event] });
  if (!outcome.ok) {
    const limited = outcome.reason === 'rate_limited';
    if (limited) res.set('Retry-After', String(context.settings.signIn.windowSeconds));
    return { ok: false, status: limited ? 429 : 401, email, error: outcome.message };
  }
  const { session } = await state.startSession(res, outcome.user);
  return { ok: true, user: outcome.user, session };
}
