import type { GrantHandler } from './grant-handler';
import { clientCredentialsGrant } from './client-credentials';
import { authorizationCodeGrant } from './authorization-code';
import { deviceCodeGrant } from './device-code';
import { refreshTokenGrant } from './refresh-token';
import { tokenExchangeGrant } from './token-exchange';
import { jwtBearerGrant } from './jwt-bearer';
import { unsupportedGrantType } from '../errors';

/** The grants one token endpoint answers; a service that answers only some builds its own. */
export class GrantRegistry {
  private readonly handlers: ReadonlyMap<string, GrantHandler>;

  constructor(handlers: readonly GrantHandler[]) {
    this.handlers = new Map(handlers.map((handler) => [handler.grantType, handler]));
  }

  /** RFC 6749 §5.2: anything not registered here is unsupported_grant_type. */
  handlerFor(grantType: string): GrantHandler {
    const handler = this.handlers.get(grantType);
    if (!handler) throw unsupportedGrantType(`grant_type '${grantType}' is not supported`);
    return handler;
  }

  grantTypes(): string[] {
    return [...this.handlers.keys()];
  }
}

/** Every grant the server offers, as one process (the embedded server) answers them. */
export const allGrants: readonly GrantHandler[] = [
  authorizationCodeGrant,
  refreshTokenGrant,
  clientCredentialsGrant,
  deviceCodeGrant,
  tokenExchangeGrant,
  jwtBearerGrant,
] as GrantHandler[];

export const everyGrant = new GrantRegistry(allGrants);

/** The grants the token service answers itself; device-code polls belong to the device-polling service. */
export const tokenServiceGrants = new GrantRegistry(allGrants.filter((handler) => handler !== deviceCodeGrant));

/** The device-polling service answers only device-code polls at /oauth/token. */
export const devicePollingGrants = new GrantRegistry([deviceCodeGrant as GrantHandler]);

export function supportedGrantTypes(): string[] {
  return everyGrant.grantTypes();
}
