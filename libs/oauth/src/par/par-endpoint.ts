import { authenticateClientAt } from '../client-authentication';
import { epochSeconds } from '../clock';
import { AUTHORIZATION_PARAMETERS, checkAuthorizationRequest } from '../authorize/authorization-request';
import { invalidDpopProof } from '../dpop/dpop-errors';
import { dpopHeaderOf, verifyDpopProof } from '../dpop/dpop-proof';
import { invalidClient } from '../error-challenge';
import { invalidRequest } from '../errors';
import { parseForm, type FormParameters } from '../form';
import { jsonResponse, type OAuthRequest, type OAuthResponse } from '../http-types';
import type { OAuthContext } from '../oauth-context';
import { sealPushedRequest } from './pushed-request';

export const PAR_PATH = '/oauth/par';

/**
 * POST /oauth/par (RFC 9126 §2): authenticate the client as at the token endpoint, check every
 * authorization parameter as GET /oauth/authorize would, bind a DPoP key if a proof came along,
 * and answer a one-time reference to the sealed parameters. Nothing is recorded: a push is not
 * a grant, and a refused one leaves no trace but its error.
 */
export async function pushedAuthorizationEndpoint(
  context: OAuthContext,
  request: OAuthRequest,
): Promise<OAuthResponse> {
  const form = parseForm(request);
  // RFC 9126 §2: public clients identify with client_id alone, the others authenticate.
  const authenticated = await authenticateClientAt(context, request, form, { path: PAR_PATH });
  if (!authenticated) throw invalidClient('Client authentication is required', false);
  const { client } = authenticated;

  const parameters = formAsQuery(form, client.clientId);
  const check = await checkAuthorizationRequest(parameters, context, context.settings.accessTokenAudience, {
    pushed: true,
  });
  // RFC 9126 §2.3: every refusal is a JSON error; a redirect URI that is not registered is invalid_request.
  if (check.kind === 'fatal') throw invalidRequest(check.message);
  if (check.kind === 'redirect-error') throw check.error;

  // RFC 9449 §10.1: a proof at the PAR endpoint binds the code as dpop_jkt would; both must agree.
  const nonceRequired = context.settings.dpop.nonceRequired || client.dpopNonce;
  const proof = dpopHeaderOf(context, request, 'token');
  if (proof !== undefined) {
    const { jkt } = await verifyDpopProof(context, request, proof, { site: 'token', path: PAR_PATH, nonceRequired });
    const named = check.request.dpopJkt;
    if (named !== undefined && named !== jkt) {
      context.metrics.dpopProofFailed('key_mismatch');
      throw invalidDpopProof('dpop_jkt does not match the key of the DPoP proof', 'token');
    }
    parameters.set('dpop_jkt', jkt);
  }

  const { requestUri, expiresIn } = await sealPushedRequest(context, client.clientId, pushedOnly(parameters));
  const nonce: Record<string, string> =
    proof !== undefined && nonceRequired
      ? { 'DPoP-Nonce': context.dpopNonces.current(epochSeconds(context.clock)) }
      : {};
  return {
    ...jsonResponse(201, { request_uri: requestUri, expires_in: expiresIn }, nonce),
    allowedOrigins: client.webOrigins,
  };
}

/** The form as an authorization query; client_id is implied by HTTP Basic (RFC 6749 §2.3.1). */
function formAsQuery(form: FormParameters, clientId: string): URLSearchParams {
  const single = [...form].filter(([name]) => name !== 'client_id');
  const resources = form.all('resource').map((resource): [string, string] => ['resource', resource]);
  return new URLSearchParams([...single, ['client_id', clientId], ...resources]);
}

/** Only the parameters the authorization endpoint reads are sealed: never credentials. */
function pushedOnly(parameters: URLSearchParams): URLSearchParams {
  return new URLSearchParams([...parameters].filter(([name]) => AUTHORIZATION_PARAMETERS.has(name)));
}
