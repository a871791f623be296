import {
  plainOpenIdClient,
  refreshTokenPolicySchema,
  stampEvent,
  type ClientSnapshot,
  type GrantlineEvent,
} from '@grantline/lib-events';

export const FIXTURE_TIME = new Date('2026-01-01T00:00:00Z');

/** A registered client as events carry it; a public code-flow client unless overridden. */
export function clientSnapshot(overrides: Partial<ClientSnapshot> & { clientId: string }): ClientSnapshot {
  return {
    name: overrides.clientId,
    secretHash: null,
    public: true,
    grantTypes: ['authorization_code'],
    scopes: [],
    redirectUris: [],
    webOrigins: [],
    firstParty: false,
    requirePkce: true,
    requireDpop: false,
    dpopNonce: false,
    requirePushedAuthorizationRequests: false,
    refreshTokens: refreshTokenPolicySchema.parse({}),
    resources: null,
    defaultResource: null,
    introspectsFor: null,
    jwks: null,
    jwksUri: null,
    registration: null,
    openid: plainOpenIdClient(),
    createdAt: FIXTURE_TIME.toISOString(),
    ...overrides,
  };
}

export function clientRegistered(client: ClientSnapshot, now: Date = FIXTURE_TIME): GrantlineEvent {
  return stampEvent(
    { type: 'ClientRegistered', aggregate: { type: 'client', id: client.clientId }, data: { client } },
    { now: () => now },
  );
}
