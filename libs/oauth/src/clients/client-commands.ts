import {
  refreshTokenPolicySchema,
  stampEvent,
  type ClientSnapshot,
  type RefreshTokenPolicy,
  type EventContext,
  type GrantlineEvent,
  plainOpenIdClient,
} from '@grantline/lib-events';
import type { ClientRecord } from '@grantline/lib-projections';
import type { IdSource } from '../clock';
import { hashSecret } from '../client-secret';
import { commandRefused } from '../errors';
import {
  PUBLIC_CLIENTS_ROTATE,
  PUBLIC_CLIENTS_USE_PKCE,
  type RegisterClientInput,
  type UpdateClientInput,
} from './client-input';
import { clientAuthMethodOf } from './client-auth-method';

export interface ClientDecision {
  event: GrantlineEvent;
  client: ClientSnapshot;
  /** Present only when a secret was just set: shown once, never stored in the clear. */
  secret?: string;
}

export async function registerClient(
  input: RegisterClientInput,
  existing: ClientRecord | null,
  ids: IdSource,
  context: EventContext,
): Promise<ClientDecision> {
  if (existing) throw commandRefused(409, `client ${existing.clientId} already exists`);
  const clientId = input.client_id ?? ids.tokenId();
  const keys = clientKeysOf(input);
  const secret = input.public || keys ? undefined : (input.client_secret ?? ids.secret());
  const client: ClientSnapshot = {
    clientId,
    name: input.name,
    secretHash: secret === undefined ? null : await hashSecret(secret),
    public: input.public,
    grantTypes: input.grant_types,
    scopes: input.scopes,
    redirectUris: input.redirect_uris,
    webOrigins: input.web_origins,
    firstParty: input.first_party,
    requirePkce: input.require_pkce,
    requireDpop: input.require_dpop,
    dpopNonce: input.dpop_nonce,
    requirePushedAuthorizationRequests: input.require_pushed_authorization_requests,
    refreshTokens: refreshPolicy(input, refreshTokenPolicySchema.parse({}), input.public),
    ...resourcePolicy(input, { resources: null, defaultResource: null, introspectsFor: null }),
    jwks: keys?.jwks ?? null,
    jwksUri: keys?.jwksUri ?? null,
    registration: null,
    openid: plainOpenIdClient(),
    createdAt: context.now().toISOString(),
  };
  const event = stampEvent(
    { type: 'ClientRegistered', aggregate: { type: 'client', id: clientId }, data: { client } },
    context,
  );
  return { event, client, ...(secret === undefined ? {} : { secret }) };
}

export function updateClient(
  input: UpdateClientInput,
  existing: ClientRecord | null,
  context: EventContext,
): ClientDecision {
  const current = requireClient(existing);
  const client: ClientSnapshot = {
    ...current,
    name: input.name ?? current.name,
    grantTypes: input.grant_types ?? current.grantTypes,
    scopes: input.scopes ?? current.scopes,
    redirectUris: input.redirect_uris ?? current.redirectUris,
    webOrigins: input.web_origins ?? current.webOrigins,
    firstParty: input.first_party ?? current.firstParty,
    requirePkce: input.require_pkce ?? current.requirePkce,
    requireDpop: input.require_dpop ?? current.requireDpop,
    dpopNonce: input.dpop_nonce ?? current.dpopNonce,
    requirePushedAuthorizationRequests:
      input.require_pushed_authorization_requests ?? current.requirePushedAuthorizationRequests,
    refreshTokens: refreshPolicy(input, current.refreshTokens, current.public),
    ...resourcePolicy(input, current),
    ...keyUpdate(input, current),
  };
  if (client.public && client.grantTypes.includes('client_credentials')) {
    throw commandRefused(400, 'client_credentials needs a confidential client');
  }
  if (client.public && !client.requirePkce) throw commandRefused(400, PUBLIC_CLIENTS_USE_PKCE);
  const event = stampEvent(
    { type: 'ClientUpdated', aggregate: { type: 'client', id: client.clientId }, data: { client } },
    context,
  );
  return { event, client };
}

export async function rotateClientSecret(
  newSecret: string | undefined,
  existing: ClientRecord | null,
  ids: IdSource,
  context: EventContext,
): Promise<ClientDecision> {
  const current = requireClient(existing);
  if (current.public) throw commandRefused(400, 'a public client has no secret to rotate');
  if (current.secretHash === null) {
    throw commandRefused(400, 'this client authenticates with private_key_jwt; replace its jwks or jwks_uri instead');
  }
  const secret = newSecret ?? ids.secret();
  const client: ClientSnapshot = { ...current, secretHash: await hashSecret(secret) };
  const event = stampEvent(
    { type: 'ClientSecretRotated', aggregate: { type: 'client', id: client.clientId }, data: { client } },
    context,
  );
  return { event, client, secret };
}

export function deleteClient(existing: ClientRecord | null, context: EventContext): { event: GrantlineEvent } {
  const current = requireClient(existing);
  const event = stampEvent(
    {
      type: 'ClientDeleted',
      aggregate: { type: 'client', id: current.clientId },
      data: { clientId: current.clientId, reason: 'operator' },
    },
    context,
  );
  return { event };
}

function refreshPolicy(
  input: Pick<
    RegisterClientInput,
    'refresh_token_idle_ttl' | 'refresh_token_absolute_ttl' | 'refresh_token_grace_period' | 'refresh_token_rotation'
  >,
  current: RefreshTokenPolicy,
  isPublic: boolean,
): RefreshTokenPolicy {
  const policy = {
    idleTtl: input.refresh_token_idle_ttl ?? current.idleTtl,
    absoluteTtl: input.refresh_token_absolute_ttl ?? current.absoluteTtl,
    gracePeriod: input.refresh_token_grace_period ?? current.gracePeriod,
    rotate: input.refresh_token_rotation ?? current.rotate,
  };
  if (policy.idleTtl > policy.absoluteTtl) {
    throw commandRefused(400, 'refresh_token_idle_ttl must not exceed refresh_token_absolute_ttl');
  }
  if (isPublic && !policy.rotate) throw commandRefused(400, PUBLIC_CLIENTS_ROTATE);
  return policy;
}

type ResourcePolicy = Pick<ClientSnapshot, 'resources' | 'defaultResource' | 'introspectsFor'>;

function resourcePolicy(
  input: Pick<RegisterClientInput, 'resources' | 'default_resource' | 'introspects_for'>,
  current: ResourcePolicy,
): ResourcePolicy {
  const policy = {
    resources: input.resources === undefined ? current.resources : input.resources,
    defaultResource: input.default_resource === undefined ? current.defaultResource : input.default_resource,
    introspectsFor: input.introspects_for === undefined ? current.introspectsFor : input.introspects_for,
  };
  if (
    policy.defaultResource !== null &&
    policy.resources !== null &&
    !policy.resources.includes(policy.defaultResource)
  ) {
    throw commandRefused(400, "default_resource must be one of the client's resources");
  }
  return policy;
}

/** The resources a client's registration names, each of which must be registered. */
export function resourcesNamedBy(client: ResourcePolicy): string[] {
  const named = [
    ...(client.resources ?? []),
    ...(client.defaultResource === null ? [] : [client.defaultResource]),
    ...(client.introspectsFor === null ? [] : [client.introspectsFor]),
  ];
  return [...new Set(named)];
}

type ClientKeys = Pick<ClientSnapshot, 'jwks' | 'jwksUri'>;

/** The keys an input names, if any (RFC 7591 §2: `jwks` or `jwks_uri`, never both). */
function clientKeysOf(input: Pick<RegisterClientInput, 'jwks' | 'jwks_uri'>): ClientKeys | null {
  if (input.jwks) return { jwks: input.jwks, jwksUri: null };
  if (input.jwks_uri) return { jwks: null, jwksUri: input.jwks_uri };
  return null;
}

/**
 * New keys replace the old ones at once (key rotation: the client publishes both sets during a
 * rollover, or uses jwks_uri). A client with a secret given keys moves to private_key_jwt and
 * its secret stops working.
 */
function keyUpdate(
  input: Pick<UpdateClientInput, 'jwks' | 'jwks_uri'>,
  current: ClientRecord,
): Pick<ClientSnapshot, 'jwks' | 'jwksUri' | 'secretHash'> {
  const keys = clientKeysOf(input);
  if (!keys) return { jwks: current.jwks, jwksUri: current.jwksUri, secretHash: current.secretHash };
  if (current.public) throw commandRefused(400, 'a public client has no keys');
  return { ...keys, secretHash: null };
}

function requireClient(existing: ClientRecord | null): ClientRecord {
  if (!existing) throw commandRefused(404, 'no such client');
  return existing;
}

/** The client as the admin API shows it: never the secret hash. */
export function publicView(client: ClientSnapshot): Record<string, unknown> {
  return {
    client_id: client.clientId,
    name: client.name,
    public: client.public,
    grant_types: client.grantTypes,
    scopes: client.scopes,
    redirect_uris: client.redirectUris,
    web_origins: client.webOrigins,
    first_party: client.firstParty,
    require_pkce: client.requirePkce,
    require_dpop: client.requireDpop,
    dpop_nonce: client.dpopNonce,
    require_pushed_authorization_requests: client.requirePushedAuthorizationRequests,
    refresh_token_idle_ttl: client.refreshTokens.idleTtl,
    refresh_token_absolute_ttl: client.refreshTokens.absoluteTtl,
    refresh_token_grace_period: client.refreshTokens.gracePeriod,
    refresh_token_rotation: client.refreshTokens.rotate,
    resources: client.resources,
    default_resource: client.defaultResource,
    introspects_for: client.introspectsFor,
    token_endpoint_auth_method: clientAuthMethodOf(client),
    ...(client.jwks === null ? {} : { jwks: client.jwks }),
    ...(client.jwksUri === null ? {} : { jwks_uri: client.jwksUri }),
    // A client that registered itself (RFC 7591): how, and when it last changed its registration.
    ...(client.registration === null
      ? {}
      : {
          registration: {
            application_type: client.registration.applicationType,
            token_endpoint_auth_method: client.registration.tokenEndpointAuthMethod,
            software_id: client.registration.softwareId,
            updated_at: client.registration.updatedAt,
          },
        }),
    created_at: client.createdAt,
  };
}
