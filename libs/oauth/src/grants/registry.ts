import type { GrantHandler } from './grant-handler';
import { clientCredentialsGrant } from './client-credentials';
import { authorizationCodeGrant } from './authorization-code';
import { refreshTokenGrant } from './refresh-token';
import { unsupportedGrantType } from '../errors';

const handlers: ReadonlyMap<string, GrantHandler> = new Map<string, GrantHandler>(
  [authorizationCodeGrant, refreshTokenGrant, clientCredentialsGrant].map((handler) => [
    handler.grantType,
    handler as GrantHandler,
  ]),
);

/** RFC 6749 §5.2: anything not registered here is unsupported_grant_type. */
export function grantHandlerFor(grantType: string): GrantHandler {
  const handler = handlers.get(grantType);
  if (!handler) throw unsupportedGrantType(`grant_type '${grantType}' is not supported`);
  return handler;
}

export function supportedGrantTypes(): string[] {
  return [...handlers.keys()];
}
