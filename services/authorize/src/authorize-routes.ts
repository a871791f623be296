import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { GrantlineEvent } from '@grantline/lib-events';
import { type Logger } from '@grantline/lib-http';
import { oauthRequestOf } from '@grantline/lib-runtime';
import {
  authorizationParametersOf,
  awaitingProjection,
  channelOf,
  checkAuthorizationRequest,
  claimPushedRequest,
  consentGranted,
  decideAuthorizationCode,
  authorizationError,
  authorizationErrorResponse,
  epochSeconds,
  needsConsent,
  nextAuthenticationStep,
  openIdGrantOf,
  recordDecision,
  signedInPerson,
  type DoneThisTrip,
  type OAuthContext,
  type OAuthErrorCode,
  type ProjectionWait,
} from '@grantline/lib-oauth';
import type { UserRecord } from '@grantline/lib-projections';
import { BrowserState, sessionHolds, type BrowserSession, type Interaction } from './browser-state';
import { sendAuthorizationResponse } from './authorization-answer';
import { CONSENT, InteractionPages, SELECT_ACCOUNT, SIGN_IN, type Asked, type Valid } from './interaction-pages';
import { refuseForm, sendPage, unavailablePage } from './page-responses';
import { queryOf } from './query-string';
import { submitSignIn } from './sign-in-submission';
import { renderErrorPage } from './pages';

const AUTHORIZE = '/oauth/authorize';
/** How long the consent form waits for the projection to show the new consent. */
const CONSENT_VISIBLE_TIMEOUT_MS = 3_000;

/**
 * GET /oauth/authorize and its sign-in, account choice and consent forms: server-rendered, no
 * JavaScript (but for the form_post answer's one submit).
 * The authorization request is validated on every step, so a form can never widen it.
 */
export function authorizeRoutes(context: OAuthContext, logger: Logger): Router {
  const router = Router();
  const state = new BrowserState(context);
  const pages = new InteractionPages(state);
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });
  // The raw form, so repeated parameters are seen as they are in a query.
  const requestForm = express.text({ type: 'application/x-www-form-urlencoded', limit: '16kb' });

  /** Validates the parameters (pushed or in the query); answers the fatal and redirected errors itself. */
  async function validate(res: Response, query: string, pushed: boolean): Promise<Valid | null> {
    const check = await checkAuthorizationRequest(
      new URLSearchParams(query),
      context,
      context.settings.accessTokenAudience,
      channelOf(pushed, context),
    );
    if (check.kind === 'valid') return check;
    if (check.kind === 'fatal') {
      invalidLinkPage(res, check.message);
    } else {
      sendAuthorizationResponse(res, authorizationErrorResponse(context.settings.issuer, check, check.error));
    }
    return null;
  }

  /** The signed-in user, if the session still holds: user enabled and password unchanged. */
  async function signedInUser(session: BrowserSession | null): Promise<UserRecord | null> {
    if (!session) return null;
    const user = await context.store.getUser(session.uid);
    return sessionHolds(session, user) ? user : null;
  }

  /**
   * Records the events (the code's among them) durably, then sends the browser back with the
   * code. `visible`, if given, is waited for (bounded) before the redirect.
   */
  async function issueCode(
    req: Request,
    res: Response,
    valid: Valid,
    user: UserRecord,
    session: BrowserSession,
    before: GrantlineEvent[] = [],
    visible?: ProjectionWait<readonly string[] | null>,
  ) {
    const request = oauthRequestOf(req);
    const { openid } = valid.request;
    const grant = openid === undefined ? undefined : openIdGrantOf(openid, session);
    const issued = await decideAuthorizationCode(
      context,
      request,
      valid.request,
      valid.client,
      user,
      session.auth_time,
      grant,
    );
    const events = [...before, issued.event];
    await recordDecision(context, visible ? awaitingProjection(events, visible) : { events });
    sendAuthorizationResponse(res, issued.response, statusAfter(req));
  }

  /**
   * Takes the request as far as it can go without the person (OpenID Connect Core §3.1.2.3): the
   * one decision says whether they sign in, choose an account, consent, or get the code now.
   */
  async function proceed(
    req: Request,
    res: Response,
    valid: Valid,
    asked: Asked,
    signedIn: { session: BrowserSession; user: UserRecord } | null,
    done?: DoneThisTrip,
  ) {
    const { request, client } = valid;
    const person =
      signedIn === null
        ? null
        : signedInPerson(
            signedIn.session.auth_time,
            signedIn.user,
            request,
            client,
            context.settings.openid.pairwiseSalt,
          );
    const consentMissing =
      signedIn !== null && (await needsConsent(context, client, signedIn.user, request.scopes, request.resources));
    const step = nextAuthenticationStep(request, person, consentMissing, epochSeconds(context.clock), done);
    if (step.kind === 'refuse') return fail(res, valid, step.error, step.description, statusAfter(req));
    if (step.kind === 'sign-in' || signedIn === null) return pages.signIn(req, res, valid, asked);
    if (step.kind === 'select-account') return pages.selectAccount(req, res, valid, asked, signedIn.user);
    if (step.kind === 'consent') return pages.consent(req, res, valid, asked, signedIn.user);
    return issueCode(req, res, valid, signedIn.user, signedIn.session);
  }

  function invalidLinkPage(res: Response, message: string): void {
    sendPage(res, 400, renderErrorPage({ title: 'This sign-in link is not valid', message }));
  }

  function fail(res: Response, valid: Valid, error: OAuthErrorCode, description: string, status = 302) {
    const refused = authorizationError(error, description);
    sendAuthorizationResponse(res, authorizationErrorResponse(context.settings.issuer, valid.request, refused), status);
  }

  /** An authorization request, from the query of a GET or the body of a POST. */
  async function authorizationRequest(req: Request, res: Response, next: NextFunction, query: string) {
    try {
      const parameters = await authorizationParametersOf(context, query);
      if (parameters.kind === 'fatal') return invalidLinkPage(res, parameters.message);
      const pushed = parameters.kind === 'pushed';
      const valid = await validate(res, parameters.query, pushed);
      if (!valid) return;
      // RFC 9126 §4: a request_uri is used once, claimed only once the request it stands for is valid.
      if (pushed && !(await claimPushedRequest(context, parameters.pushed))) {
        return fail(res, valid, 'invalid_request_uri', 'The request_uri was already used');
      }
      const asked: Asked = { q: parameters.query, ...(pushed ? { pushed: true as const } : {}) };
      const session = await state.readSession(req);
      const user = await signedInUser(session);
      await proceed(req, res, valid, asked, session && user ? { session, user } : null);
    } catch (error) {
      next(error);
    }
  }

  router.get(AUTHORIZE, (req, res, next) => authorizationRequest(req, res, next, queryOf(req)));
  // OpenID Connect Core §3.1.2.1: the request may also be a form POST, read exactly as the query.
  router.post(AUTHORIZE, requestForm, (req, res, next) =>
    authorizationRequest(req, res, next, typeof req.body === 'string' ? req.body : ''),
  );

  router.post(SIGN_IN, form, async (req, res, next) => {
    try {
      const interaction = await state.openInteraction(req);
      if (!interaction) return refuseForm(res);
      const pushed = interaction.pushed === true;
      const valid = await validate(res, interaction.q, pushed);
      if (!valid) return;
      const submitted = await submitSignIn(context, state, req, res, valid.client.clientId);
      if (!submitted.ok) {
        const { status, email, error } = submitted;
        return await pages.signIn(req, res, valid, askedOf(interaction), status, { email, error });
      }
      // On with the request from here, so the sign-in just made answers prompt=login, max_age and
      // the hints, and a pushed request is not needed again.
      const { user, session } = submitted;
      await proceed(req, res, valid, askedOf(interaction), { user, session }, { signedIn: true, accountChosen: true });
    } catch (error) {
      next(error);
    }
  });

  /**
   * A form posted back by the signed-in person it was shown to, with its request still valid;
   * null when it was not, and the answer has been sent.
   */
  async function signedInForm(req: Request, res: Response) {
    const interaction = await state.openInteraction(req);
    const session = await state.readSession(req);
    if (!interaction || !session || interaction.uid !== session.uid) {
      refuseForm(res);
      return null;
    }
    const valid = await validate(res, interaction.q, interaction.pushed === true);
    return valid ? { interaction, session, valid } : null;
  }

  router.post(SELECT_ACCOUNT, form, async (req, res, next) => {
    try {
      const posted = await signedInForm(req, res);
      if (!posted) return;
      const { interaction, session, valid } = posted;
      const choice = (req.body as Record<string, unknown>).account;
      if (choice === 'switch') return await pages.signIn(req, res, valid, askedOf(interaction));
      const user = await signedInUser(session);
      if (choice !== 'continue' || !user) return refuseForm(res);
      await proceed(req, res, valid, askedOf(interaction), { session, user }, { signedIn: false, accountChosen: true });
    } catch (error) {
      next(error);
    }
  });

  router.post(CONSENT, form, async (req, res, next) => {
    try {
      const posted = await signedInForm(req, res);
      if (!posted) return;
      const { session, valid } = posted;
      const user = await signedInUser(session);
      if (!user) return refuseForm(res);
      const decision = (req.body as Record<string, unknown>).decision;
      if (decision === 'deny') return fail(res, valid, 'access_denied', 'The user denied the request', 303);
      if (decision !== 'approve') return refuseForm(res);
      const { scopes, resources } = valid.request;
      const consent = await consentGranted(context, oauthRequestOf(req), valid.client, user, scopes, resources);
      // Read-your-writes: the app's next authorization (often at once, or with prompt=none)
      // must find this consent. If the projector is slow, the code still goes out; the user
      // would at worst be asked once more.
      await issueCode(req, res, valid, user, session, [consent], {
        read: () => context.store.getConsent(user.userId, valid.client.clientId),
        until: (remembered) => remembered !== null && scopes.every((scope) => remembered.includes(scope)),
        timeoutMs: CONSENT_VISIBLE_TIMEOUT_MS,
      });
    } catch (error) {
      next(error);
    }
  });

  router.use(
    [AUTHORIZE, SIGN_IN, CONSENT, SELECT_ACCOUNT],
    unavailablePage(logger, 'authorization step', {
      title: 'Sign-in is temporarily unavailable',
      message: 'Nothing was changed. Please try again in a moment.',
    }),
  );
  return router;
}

/** RFC 9110 §15.4.4: after a form POST the browser is sent on with 303, so it does not post again. */
function statusAfter(req: Request): number {
  return req.method === 'POST' ? 303 : 302;
}

function askedOf(interaction: Interaction): Asked {
  return { q: interaction.q, ...(interaction.pushed ? { pushed: true as const } : {}) };
}

export type { Interaction };
