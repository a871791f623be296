import { authenticateClientAt } from './client-authentication';
import { epochSeconds } from './clock';
import { invalidDpopProof } from './dpop/dpop-errors';
import { dpopHeaderOf, verifyDpopProof } from './dpop/dpop-proof';
import { invalidClient } from './error-challenge';
import { invalidRequest, unauthorizedClient } from './errors';
import { parseForm } from './form';
import { everyGrant, type GrantRegistry } from './grants/registry';
import { jsonResponse, type OAuthRequest, type OAuthResponse } from './http-types';
import type { OAuthContext } from './oauth-context';
import { recordDecision } from './recording/recorder';

const TOKEN_PATH = '/oauth/token';
const CREDENTIAL_PARAMS = new Set([
  'grant_type',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
]);

/**
 * POST /oauth/token as a pipeline: parse the form, pick the grant, authenticate the client,
 * check the client may use the grant, validate the grant's parameters, decide, record, answer.
 */
export async function tokenEndpoint(
  context: OAuthContext,
  request: OAuthRequest,
  grants: GrantRegistry = everyGrant,
): Promise<OAuthResponse> {
  const form = parseForm(request);
  const grantType = form.get('grant_type');
  if (grantType === undefined) throw invalidRequest('grant_type is required');
  const handler = grants.handlerFor(grantType);

  const client =
    (await authenticateClientAt(context, request, form, { path: TOKEN_PATH })) ??
    (handler.clientWithoutAuthentication
      ? { client: await handler.clientWithoutAuthentication(context, form), method: 'none' as const }
      : undefined);
  if (!client) throw invalidClient('Client authentication is required', false);
  if (client.method === 'none' && !handler.allowsPublicClients) {
    throw unauthorizedClient(`Public clients may not use ${grantType}`);
  }
  if (!client.client.grantTypes.includes(handler.grantType)) {
    throw unauthorizedClient(`This client is not allowed to use ${grantType}`);
  }

  const parsed = handler.params.safeParse(
    Object.fromEntries([...form].filter(([name]) => !CREDENTIAL_PARAMS.has(name))),
  );
  if (!parsed.success) throw invalidRequest(`Invalid parameters for ${grantType}`, parsed.error.message);

  // RFC 9449 §5: a proof binds what is issued; a client registered to require DPoP must send one.
  const nonceRequired = context.settings.dpop.nonceRequired || client.client.dpopNonce;
  const proof = dpopHeaderOf(context, request, 'token');
  const dpop =
    proof === undefined
      ? undefined
      : await verifyDpopProof(context, request, proof, { site: 'token', path: TOKEN_PATH, nonceRequired });
  if (!dpop && client.client.requireDpop) {
    context.metrics.dpopProofFailed('required');
    throw invalidDpopProof('This client must send a DPoP proof', 'token');
  }

  const outcome = await handler.handle({
    context,
    request,
    client,
    params: parsed.data,
    resources: form.all('resource'),
    ...(dpop ? { dpop } : {}),
  });
  // Principle: nothing is handed out before the log has it.
  await recordDecision(context, outcome);
  context.metrics.tokenIssued(handler.grantType);
  const nonce: Record<string, string> = nonceRequired
    ? { 'DPoP-Nonce': context.dpopNonces.current(epochSeconds(context.clock)) }
    : {};
  return { ...jsonResponse(200, outcome.body, nonce), allowedOrigins: client.client.webOrigins };
}
