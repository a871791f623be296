import type { OAuthEndpoint } from '@grantline/lib-runtime';
import {
  deviceAuthorizationEndpoint,
  devicePollingGrants,
  tokenEndpoint,
  type OAuthContext,
} from '@grantline/lib-oauth';

/** POST /oauth/device/code (RFC 8628 §3.1): devices and browser apps call it, so it answers CORS. */
export function deviceAuthorizationEndpoints(context: OAuthContext): OAuthEndpoint[] {
  return [
    {
      path: '/oauth/device/code',
      name: 'device_code',
      cors: true,
      handle: (request) => deviceAuthorizationEndpoint(context, request),
    },
  ];
}

/**
 * The device-polling service: device authorization requests, and the device-code polls that
 * token replicas forward from /oauth/token (docs/decisions/0015-device-poll-routing.md). It
 * answers no other grant, and no other service reads or writes device state.
 */
export function devicePollingEndpoints(context: OAuthContext): OAuthEndpoint[] {
  return [
    ...deviceAuthorizationEndpoints(context),
    {
      path: '/oauth/token',
      name: 'device_poll',
      cors: true,
      handle: (request) => tokenEndpoint(context, request, devicePollingGrants),
    },
  ];
}
