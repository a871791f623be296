import {
  refreshTokenPolicySchema,
  stampEvent,
  type ClientSnapshot,
  type RefreshTokenPolicy,
  type EventContext,
  type GrantlineEvent,
} from '@grantline/lib-events';
import type { ClientRecord } from '@grantline/lib-projections';
import type { IdSource } from '../clock';
import { hashSecret } from '../client-secret';
import { commandRefused } from '../errors';
import type { RegisterClientInput, UpdateClientInput } from './client-input';
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
  const secret = input.public ? undefined : (input.client_secret ?? ids.secret());
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
    requireDpop: input.require_dpop,
    dpopNonce: input.dpop_nonce,
    refreshTokens: refreshPolicy(input, refreshTokenPolicySchema.parse({})),
    ...resourcePolicy(input, { resources: null, defaultResource: null, introspectsFor: null }),
    jwks: null,
    jwksUri: null,
    registration: null,
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
    requireDpop: input.require_dpop ?? current.requireDpop,
    dpopNonce: input.dpop_nonce ?? current.dpopNonce,
    refreshTokens: refreshPolicy(input, current.refreshTokens),
    ...resourcePolicy(input, current),
  };
  if (client.public && client.grantTypes.includes('client_credentials')) {
    throw commandRefused(400, 'client_credentials needs a confidential client');
  }
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
    'refresh_token_idle_ttl' | 'refresh_token_absolute_ttl' | 'refresh_token_grace_period'
  >,
  current: RefreshTokenPolicy,
): RefreshTokenPolicy {
  const policy = {
    idleTtl: input.refresh_token_idle_ttl ?? current.idleTtl,
    absoluteTtl: input.refresh_token_absolute_ttl ?? current.absoluteTtl,
    gracePeriod: input.refresh_token_grace_period ?? current.gracePeriod,
  };
  if (policy.idleTtl > policy.absoluteTtl) {
    throw commandRefused(400, 'refresh_token_idle_ttl must not exceed refresh_token_absolute_ttl');
  }
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
    require_dpop: client.requireDpop,
    dpop_nonce: client.dpopNonce,
    refresh_token_idle_ttl: client.refreshTokens.idleTtl,
    refresh_token_absolute_ttl: client.refreshTokens.absoluteTtl,
    refresh_token_grace_period: client.refreshTokens.gracePeriod,
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
