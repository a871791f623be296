import express, { Router, type Request, type Response } from 'express';
import type { Logger } from '@grantline/lib-http';
import { oauthRequestOf } from '@grantline/lib-runtime';
import {
  checkLogoutRequest,
  hintNamesSession,
  logOut,
  type LogoutRequest,
  type OAuthContext,
} from '@grantline/lib-oauth';
import { BrowserState, type BrowserSession } from './browser-state';
import { redirect, refuseForm, sendPage, unavailablePage } from './page-responses';
import { queryOf } from './query-string';
import { renderErrorPage, renderSignedOutPage, renderSignOutConfirmPage } from './pages';

const LOGOUT = '/oauth/logout';
const CONFIRM = '/oauth/logout/confirm';

/**
 * OpenID Connect RP-Initiated Logout 1.0 at GET and POST /oauth/logout. A request whose ID token
 * was issued in this browser's session ends it at once; any other asks the person first, with a
 * form bound to the browser (CSRF), so another site cannot sign someone out unseen. The session
 * cookie is always removed, and the browser returns only to a URI the client registered.
 */
export function logoutRoutes(context: OAuthContext, logger: Logger): Router {
  const router = Router();
  const state = new BrowserState(context);
  const body = express.text({ type: 'application/x-www-form-urlencoded', limit: '16kb' });
  const form = express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 10 });

  /** The checked request, or null once the refusal page is sent. */
  async function check(
    res: Response,
    params: URLSearchParams,
  ): Promise<{ query: string; logout: LogoutRequest } | null> {
    const checked = await checkLogoutRequest(context, params);
    if (!checked.ok) {
      sendPage(res, 400, renderErrorPage({ title: 'This sign-out link is not valid', message: checked.message }));
      return null;
    }
    return { query: checked.query, logout: checked.request };
  }

  async function end(req: Request, session: BrowserSession | null, logout: LogoutRequest): Promise<void> {
    if (session !== null) {
      await logOut(context, oauthRequestOf(req), { userId: session.uid, sessionId: session.sid }, logout);
    }
  }

  function finish(req: Request, res: Response, logout: LogoutRequest): void {
    state.clearSession(res);
    if (logout.redirect === null) return sendPage(res, 200, renderSignedOutPage());
    redirect(res, logout.redirect, req.method === 'POST' ? 303 : 302);
  }

  async function logoutRequest(req: Request, res: Response, params: URLSearchParams): Promise<void> {
    const checked = await check(res, params);
    if (checked === null) return;
    const { logout, query } = checked;
    const session = await state.readSession(req);
    const facts = session === null ? null : { userId: session.uid, sessionId: session.sid };
    if (facts === null || hintNamesSession(logout, facts, context.settings.openid.pairwiseSalt)) {
      await end(req, session, logout);
      return finish(req, res, logout);
    }
    const csrf = state.csrfNonce(req, res);
    const interaction = await state.sealInteraction({ q: query, csrf });
    sendPage(
      res,
      200,
      renderSignOutConfirmPage({
        action: CONFIRM,
        hidden: { interaction, csrf_token: csrf },
        ...(logout.client === null ? {} : { clientName: logout.client.name }),
      }),
    );
  }

  router.get(LOGOUT, async (req, res, next) => {
    try {
      await logoutRequest(req, res, new URLSearchParams(queryOf(req)));
    } catch (error) {
      next(error);
    }
  });

  router.post(LOGOUT, body, async (req, res, next) => {
    try {
      await logoutRequest(req, res, new URLSearchParams(typeof req.body === 'string' ? req.body : ''));
    } catch (error) {
      next(error);
    }
  });

  router.post(CONFIRM, form, async (req, res, next) => {
    try {
      const interaction = await state.openInteraction(req);
      if (!interaction) return refuseForm(res);
      // Checked again: the client or its registered URIs may have changed since the page was shown.
      const checked = await check(res, new URLSearchParams(interaction.q));
      if (checked === null) return;
      await end(req, await state.readSession(req), checked.logout);
      finish(req, res, checked.logout);
    } catch (error) {
      next(error);
    }
  });

  router.use(
    [LOGOUT, CONFIRM],
    unavailablePage(logger, 'logout', {
      title: 'Signing out is temporarily unavailable',
      message: 'You are still signed in. Please try again in a moment.',
    }),
  );
  return router;
}
