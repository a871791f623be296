import type { Request, Response } from 'express';
import { nativeAppReceiver, type AuthorizationRequest, type DirectoryClient } from '@grantline/lib-oauth';
import type { UserRecord } from '@grantline/lib-projections';
import type { BrowserState, Interaction } from './browser-state';
import { sendPage } from './page-responses';
import { renderConsentPage, renderSelectAccountPage, renderSignInPage } from './pages';

export const SIGN_IN = '/oauth/authorize/sign-in';
export const CONSENT = '/oauth/authorize/consent';
export const SELECT_ACCOUNT = '/oauth/authorize/select-account';

/** A request that passed the checks, with its client. */
export type Valid = { request: AuthorizationRequest; client: DirectoryClient };
/** What a form carries of the request: its parameters, and whether they were pushed (RFC 9126). */
export type Asked = Pick<Interaction, 'q' | 'pushed'>;

/** RFC 8252: the consent page says when the answer goes to an app on the person's device. */
function nativeAppOf({ request, client }: Valid): { nativeApp?: { scheme?: string } } {
  const receiver = nativeAppReceiver(request.redirectUri, client);
  if (receiver === null) return {};
  return { nativeApp: receiver.kind === 'app-scheme' ? { scheme: receiver.scheme } : {} };
}

/**
 * The pages a person answers on the way through an authorization request. Each carries the request
 * sealed in its form, bound to this browser's CSRF nonce (and, past sign-in, to the person asked).
 */
export class InteractionPages {
  constructor(private readonly state: BrowserState) {}

  async signIn(
    req: Request,
    res: Response,
    valid: Valid,
    asked: Asked,
    status = 200,
    extra: { email?: string; error?: string } = {},
  ) {
    const csrf = this.state.csrfNonce(req, res);
    const interaction = await this.state.sealInteraction({ ...asked, csrf });
    // OpenID Connect Core §3.1.2.1: login_hint pre-fills who is expected (the page escapes it).
    const email = extra.email ?? valid.request.openid?.loginHint;
    sendPage(
      res,
      status,
      renderSignInPage({
        clientName: valid.client.name,
        ...(valid.request.clientDocument === undefined ? {} : { clientHost: valid.request.clientDocument.host }),
        action: SIGN_IN,
        hidden: { interaction, csrf_token: csrf },
        ...(email === undefined ? {} : { email }),
        ...(extra.error === undefined ? {} : { error: extra.error }),
      }),
    );
  }

  async selectAccount(req: Request, res: Response, valid: Valid, asked: Asked, user: UserRecord) {
    const csrf = this.state.csrfNonce(req, res);
    const interaction = await this.state.sealInteraction({ ...asked, csrf, uid: user.userId });
    sendPage(
      res,
      200,
      renderSelectAccountPage({
        clientName: valid.client.name,
        userName: user.name,
        userEmail: user.email,
        action: SELECT_ACCOUNT,
        hidden: { interaction, csrf_token: csrf },
      }),
    );
  }

  async consent(req: Request, res: Response, valid: Valid, asked: Asked, user: UserRecord) {
    const csrf = this.state.csrfNonce(req, res);
    const interaction = await this.state.sealInteraction({ ...asked, csrf, uid: user.userId });
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
}
