import express, { Router, type Request, type Response } from 'express';
import { type Logger } from '@grantline/lib-http';
import { oauthRequestOf } from '@grantline/lib-runtime';
import {
  formatUserCode,
  lookUpUserCode,
  normaliseUserCode,
  pendingDevice,
  recordDecision,
  recordDeviceDecision,
  type OAuthContext,
} from '@grantline/lib-oauth';
import { readResources, type ClientRecord, type DeviceState, type UserRecord } from '@grantline/lib-projections';
import { BrowserState, sessionHolds } from './browser-state';
import { refuseForm, sendPage, unavailablePage } from './page-responses';
import {
  renderConsentPage,
  renderDeviceDonePage,
  renderErrorPage,
  renderSignInPage,
  renderUserCodePage,
} from './pages';
import { submitSignIn } from './sign-in-submission';

const DEVICE = '/device';
const SIGN_IN = '/device/sign-in';
const DECISION = '/device/decision';

type Pending = { device: DeviceState; client: ClientRecord };

/**
 * The device verification page (RFC 8628 §3.3): a person types the code their device shows,
 * signs in, compares the code and allows or denies. Server-rendered, no JavaScript, with the
 * authorization pages' security: CSP, no framing, CSRF-bound sealed forms, no-store.
 */
export function deviceRoutes(context: OAuthContext, logger: Logger): Router {
  const router = Router();
  const state = new BrowserState(context);
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

  async function showCodeForm(
    req: Request,
    res: Response,
    status: number,
    extra: { userCode?: string; error?: string },
  ) {
    const csrf = state.csrfNonce(req, res);
    const interaction = await state.sealInteraction({ q: '', csrf });
    sendPage(res, status, renderUserCodePage({ action: DEVICE, hidden: { interaction, csrf_token: csrf }, ...extra }));
  }

  /** The sign-in form carries the typed code (sealed), to show it for confirmation afterwards. */
  async function showSignIn(req: Request, res: Response, pending: Pending, userCode: string, status = 200, extra = {}) {
    const csrf = state.csrfNonce(req, res);
    const interaction = await state.sealInteraction({ q: userCode, csrf, did: pending.device.request.deviceId });
    const hidden = { interaction, csrf_token: csrf };
    sendPage(res, status, renderSignInPage({ clientName: pending.client.name, action: SIGN_IN, hidden, ...extra }));
  }

  async function showConfirm(req: Request, res: Response, pending: Pending, user: UserRecord, userCode: string) {
    const csrf = state.csrfNonce(req, res);
    const did = pending.device.request.deviceId;
    const interaction = await state.sealInteraction({ q: userCode, csrf, uid: user.userId, did });
    const scope = pending.device.request.scope;
    const resources = await readResources(context.store, pending.device.request.resources ?? []);
    sendPage(
      res,
      200,
      renderConsentPage({
        clientName: pending.client.name,
        userName: user.name,
        userEmail: user.email,
        scopes: scope === '' ? [] : scope.split(' '),
        resources: resources.map((resource) => resource?.name ?? 'an API no longer registered'),
        action: DECISION,
        hidden: { interaction, csrf_token: csrf },
        userCode,
      }),
    );
  }

  async function signedInUser(req: Request): Promise<UserRecord | null> {
    const session = await state.readSession(req);
    if (!session) return null;
    const user = await context.store.getUser(session.uid);
    return sessionHolds(session, user) ? user : null;
  }

  function gone(res: Response) {
    sendPage(
      res,
      400,
      renderErrorPage({
        title: 'This code can no longer be used',
        message: 'It has expired or was already used. Start again on your device to get a new code.',
      }),
    );
  }

  router.get(DEVICE, async (req, res, next) => {
    try {
      const typed = typeof req.query.user_code === 'string' ? req.query.user_code : undefined;
      const code = typed === undefined ? null : normaliseUserCode(typed);
      // RFC 8628 §5.4: a code from the link is filled in, never acted on without the person.
      await showCodeForm(req, res, 200, code === null ? {} : { userCode: formatUserCode(code) });
    } catch (error) {
      next(error);
    }
  });

  router.post(DEVICE, form, async (req, res, next) => {
    try {
      const interaction = await state.openInteraction(req);
      const browserId = state.browserId(req);
      if (!interaction || !browserId) return refuseForm(res);
      const typed = (req.body as Record<string, unknown>).user_code;
      const userCode = typeof typed === 'string' ? typed.slice(0, 20) : '';
      const request = oauthRequestOf(req);
      const found = await lookUpUserCode(context, request, userCode, browserId);
      if (found.kind !== 'found') {
        await recordDecision(context, { events: [found.event] });
        if (found.kind === 'rate_limited') {
          res.set('Retry-After', String(context.settings.device.userCodeWindowSeconds));
          return await showCodeForm(req, res, 429, { error: 'Too many wrong codes. Wait a while and try again.' });
        }
        return await showCodeForm(req, res, 400, {
          userCode,
          error: 'That code is not valid or has expired. Check the code on your device.',
        });
      }
      const shown = formatUserCode(normaliseUserCode(userCode) ?? '');
      const user = await signedInUser(req);
      if (!user) return await showSignIn(req, res, found, shown);
      await showConfirm(req, res, found, user, shown);
    } catch (error) {
      next(error);
    }
  });

  router.post(SIGN_IN, form, async (req, res, next) => {
    try {
      const interaction = await state.openInteraction(req);
      if (!interaction?.did) return refuseForm(res);
      const pending = await pendingDevice(context, interaction.did);
      if (!pending) return gone(res);
      const submitted = await submitSignIn(context, state, req, res, pending.client.clientId);
      if (!submitted.ok) {
        const { status, email, error } = submitted;
        return await showSignIn(req, res, pending, interaction.q, status, { email, error });
      }
      await showConfirm(req, res, pending, submitted.user, interaction.q);
    } catch (error) {
      next(error);
    }
  });

  router.post(DECISION, form, async (req, res, next) => {
    try {
      const interaction = await state.openInteraction(req);
      const session = await state.readSession(req);
      if (!interaction?.did || !session || interaction.uid !== session.uid) return refuseForm(res);
      const user = await signedInUser(req);
      if (!user) return refuseForm(res);
      const decision = (req.body as Record<string, unknown>).decision;
      if (decision !== 'approve' && decision !== 'deny') return refuseForm(res);
      const pending = await pendingDevice(context, interaction.did);
      if (!pending) return gone(res);
      const approve = decision === 'approve';
      const outcome = await recordDeviceDecision(context, oauthRequestOf(req), pending.device, {
        approve,
        user,
        authTime: session.auth_time,
        session: { ...(session.sid === undefined ? {} : { sessionId: session.sid }), amr: session.amr },
      });
      if (outcome === 'already_decided') return gone(res);
      sendPage(res, 200, renderDeviceDonePage({ approved: approve, clientName: pending.client.name }));
    } catch (error) {
      next(error);
    }
  });

  router.use(
    [DEVICE, SIGN_IN, DECISION],
    // A decision may have been recorded before the failure, so this page promises nothing.
    unavailablePage(logger, 'device verification step', {
      title: 'Device sign-in is temporarily unavailable',
      message: 'Please try again in a moment, or start again on your device.',
    }),
  );
  return router;
}
