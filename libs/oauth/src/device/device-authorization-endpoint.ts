import { DEVICE_CODE_GRANT, stampEvent } from '@grantline/lib-events';
import { deviceIdByUserCode } from '@grantline/lib-projections';
import { eventContext } from '../access-token-issuer';
import { authenticateClientAt } from '../client-authentication';
import { epochSeconds } from '../clock';
import { invalidClient } from '../error-challenge';
import { serverError, unauthorizedClient } from '../errors';
import { parseForm } from '../form';
import { resolveRequestedResources, resourceUris, scopesForResources } from '../resources/resource-indicators';
import { jsonResponse, type OAuthRequest, type OAuthResponse } from '../http-types';
import type { OAuthContext } from '../oauth-context';
import { WRITE_THROUGH } from '../recording/decision';
import { recordDecision } from '../recording/recorder';
import { grantScopes, parseScope } from '../scopes';
import { deviceIdOf, formatUserCode, newDeviceCode, newUserCode, userCodeHash } from './device-codes';

/** Attempts at a user code that is not already live; a clash is ~live codes / 2.6·10^10. */
const USER_CODE_ATTEMPTS = 5;

const DEVICE_AUTHORIZATION_PATH = '/oauth/device/code';

/**
 * POST /oauth/device/code (RFC 8628 §3.1, §3.2). Public clients identify with client_id,
 * confidential ones authenticate (§3.1 and RFC 6749 §2.3). The request is recorded before the
 * codes are handed out, then its records are written through so the verification page finds
 * the user code on any replica at once.
 */
export async function deviceAuthorizationEndpoint(
  context: OAuthContext,
  request: OAuthRequest,
): Promise<OAuthResponse> {
  const form = parseForm(request);
  const authenticated = await authenticateClientAt(context, request, form, { path: DEVICE_AUTHORIZATION_PATH });
  if (!authenticated) throw invalidClient('Client authentication is required', false);
  const { client } = authenticated;
  if (!client.grantTypes.includes(DEVICE_CODE_GRANT)) {
    throw unauthorizedClient('This client is not allowed to use the device authorization grant');
  }
  const resources = await resolveRequestedResources(
    context.store,
    client,
    form.all('resource'),
    context.settings.accessTokenAudience,
  );
  const scopes = scopesForResources(grantScopes(parseScope(form.get('scope')), client.scopes), resources);

  const { codeTtlSeconds, pollIntervalSeconds } = context.settings.device;
  const expiresAt = epochSeconds(context.clock) + codeTtlSeconds;
  const deviceCode = newDeviceCode();
  const userCode = await freshUserCode(context);
  const event = stampEvent(
    {
      type: 'DeviceAuthorizationRequested',
      aggregate: { type: 'device', id: deviceIdOf(deviceCode) },
      data: {
        deviceId: deviceIdOf(deviceCode),
        userCodeHash: userCodeHash(context.keys, userCode),
        clientId: client.clientId,
        scope: scopes.join(' '),
        interval: pollIntervalSeconds,
        expiresAt,
        ...(resources.length === 0 ? {} : { resources: resourceUris(resources) }),
      },
    },
    eventContext(context, request),
  );
  await recordDecision(context, { events: [event], readOwnWrite: WRITE_THROUGH });

  const verificationUri = `${context.settings.issuer}/device`;
  const shown = formatUserCode(userCode);
  return {
    ...jsonResponse(200, {
      device_code: deviceCode,
      user_code: shown,
      verification_uri: verificationUri,
      // RFC 8628 §3.3.1: the code filled in; the page still asks the person to confirm it (§5.4).
      verification_uri_complete: `${verificationUri}?user_code=${encodeURIComponent(shown)}`,
      expires_in: codeTtlSeconds,
      interval: pollIntervalSeconds,
    }),
    allowedOrigins: client.webOrigins,
  };
}

async function freshUserCode(context: OAuthContext): Promise<string> {
  for (let attempt = 0; attempt < USER_CODE_ATTEMPTS; attempt += 1) {
    const code = newUserCode();
    if ((await deviceIdByUserCode(context.store, userCodeHash(context.keys, code))) === null) return code;
  }
  throw serverError(new Error('no free user code after several attempts'));
}
