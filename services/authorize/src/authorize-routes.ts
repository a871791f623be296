import express, { Router, type Request, type Response } from 'express';
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
  errorRedirect,
  needsConsent,
  recordDecision,
  sealPushedRequest,
  nativeAppReceiver,
  type AuthorizationRequest,
  type DirectoryClient,
  type OAuthContext,
  type OAuthErrorCode,
  type ProjectionWait,
} from '@grantline/lib-oauth';
import type { UserRecord } from '@grantline/lib-projections';
import { BrowserState, sessionHolds, type BrowserSession, type Interaction } from './browser-state';
import { redirect, refuseForm, sendPage, unavailablePage } from './page-responses';
import { queryOf } from './query-string';
import { submitSignIn } from './sign-in-submission';
import { renderConsentPage, renderErrorPage, renderSignInPage } from './pages';

const AUTHORIZE = '/oauth/authorize';
const SIGN_IN = '/oauth/authorize/sign-in';
const CONSENT = '/oauth/authorize/consent';
/** How long the consent form waits for the projection to show the new consent. */
const CONSENT_VISIBLE_TIMEOUT_MS = 3_000;

type Valid = { request: AuthorizationRequest; client: DirectoryClient };
/** What a form carries of the request: its parameters, and whether they were pushed (RFC 9126). */
type Asked = Pick<Interaction, 'q' | 'pushed'>;

/** RFC 8252: the consent page says when the answer goes to an app on the person's device. */
function nativeAppOf({ request, client }: Valid): { nativeApp?: { scheme?: string } } {
  const receiver = nativeAppReceiver(request.redirectUri, client);
  if (receiver === null) return {};
  return { nativeApp: receiver.kind === 'app-scheme' ? { scheme: receiver.scheme } : {} };
}

/**
 * GET /oauth/authorize and its sign-in and consent forms: server-rendered, no JavaScript.
 * The authorization request is validated on every step, so a form can never widen it.
 */
export function authorizeRoutes(context: OAuthContext, logger: Logger): Router {
  const router = Router();
  const state = new BrowserState(context);
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

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
      redirect(res, errorRedirect(context.settings.issuer, check, check.error));
    }
    return null;
  }

  /** The signed-in user, if the session still holds: user enabled and password unchanged. */
  async function signedInUser(session: BrowserSession | null): Promise<UserRecord | null> {
    if (!session) return null;
    const user = await context.store.getUser(session.uid);
    return sessionHolds(session, user) ? user : null;
  }

  async function showSignIn(req: Request, res: Response, valid: Valid, asked: Asked, status = 200, extra = {}) {
    const csrf = state.csrfNonce(req, res);
    const interaction = await state.sealInteraction({ ...asked, csrf });
    sendPage(
      res,
      status,
      renderSignInPage({
        clientName: valid.client.name,
        ...(valid.request.clientDocument === undefined ? {} : { clientHost: valid.request.clientDocument.host }),
        action: SIGN_IN,
        hidden: { interaction, csrf_token: csrf },
        ...extra,
      }),
    );
  }

  async function showConsent(req: Request, res: Response, valid: Valid, asked: Asked, user: UserRecord) {
    const csrf = state.csrfNonce(req, res);
    const interaction = await state.sealInteraction({ ...asked, csrf, uid: user.userId });
    sendPage(
      res,
      200,
      renderConsentPage({
        clientName: valid.client.name,
        userName: user.name,
        userEmail: user.email,
        scopes: valid.request.scopes,
        resources: valid.request.resources.map((resource) => resource.name),
        ...nativeAppOf(valid),
        ...(valid.request.clientDocument === undefined ? {} : { clientHost: valid.request.clientDocument.host }),
        action: CONSENT,
        hidden: { interaction, csrf_token: csrf },
      }),
    );
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
    const { auth_time: authTime, sid } = session;
    const issued = await decideAuthorizationCode(context, request, valid.request, valid.client, user, authTime, sid);
    const events = [...before, issued.event];
    await recordDecision(context, visible ? awaitingProjection(events, visible) : { events });
    redirect(res, issued.location, req.method === 'POST' ? 303 : 302);
  }

  function invalidLinkPage(res: Response, message: string): void {
    sendPage(res, 400, renderErrorPage({ title: 'This sign-in link is not valid', message }));
  }

  async function pushedAgain(clientId: string, query: string): Promise<string> {
    const { requestUri } = await sealPushedRequest(context, clientId, new URLSearchParams(query));
    return new URLSearchParams({ client_id: clientId, request_uri: requestUri }).toString();
  }

  function fail(res: Response, valid: Valid, error: OAuthErrorCode, description: string, status = 302) {
    const refused = authorizationError(error, description);
    redirect(res, errorRedirect(context.settings.issuer, valid.request, refused), status);
  }

  router.get(AUTHORIZE, async (req, res, next) => {
    try {
      const parameters = await authorizationParametersOf(context, queryOf(req));
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
      const prompt = valid.request.prompt;
      if (!session || !user || prompt === 'login') {
        if (prompt === 'none') return fail(res, valid, 'login_required', 'The user is not signed in');
        return await showSignIn(req, res, valid, asked);
      }
      const consent =
        prompt === 'consent' ||
        (await needsConsent(context, valid.client, user, valid.request.scopes, valid.request.resources));
      if (consent) {
        if (prompt === 'none') return fail(res, valid, 'consent_required', 'The user has not approved this app');
        return await showConsent(req, res, valid, asked, user);
      }
      await issueCode(req, res, valid, user, session);
    } catch (error) {
      next(error);
    }
  });

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
        return await showSignIn(req, res, valid, askedOf(interaction), status, { email, error });
      }
      // Back to the authorization request, now signed in; prompt=login has been satisfied. A pushed
      // request goes back pushed again (a fresh one-time reference), so its parameters stay out of the URL.
      const query = withoutLoginPrompt(interaction.q);
      redirect(res, `${AUTHORIZE}?${pushed ? await pushedAgain(valid.client.clientId, query) : query}`, 303);
    } catch (error) {
      next(error);
    }
  });

  router.post(CONSENT, form, async (req, res, next) => {
    try {
      const interaction = await state.openInteraction(req);
      const session = await state.readSession(req);
      if (!interaction || !session || interaction.uid !== session.uid) return refuseForm(res);
      const valid = await validate(res, interaction.q, interaction.pushed === true);
      if (!valid) return;
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
    [AUTHORIZE, SIGN_IN, CONSENT],
    unavailablePage(logger, 'authorization step', {
      title: 'Sign-in is temporarily unavailable',
      message: 'Nothing was changed. Please try again in a moment.',
    }),
  );
  return router;
}

function askedOf(interaction: Interaction): Asked {
  return { q: interaction.q, ...(interaction.pushed ? { pushed: true as const } : {}) };
}

function withoutLoginPrompt(query: string): string {
  const params = new URLSearchParams(query);
  if (params.get('prompt') === 'login') params.delete('prompt');
  return params.toString();
}

export type { Interaction };
