import {
  refreshTokenPolicySchema,
  stampEvent,
  type ClientDeletionReason,
  type ClientSnapshot,
  type EventContext,
  type GrantlineEvent,
  plainOpenIdClient,
} from '@grantline/lib-events';
import type { ClientRecord } from '@grantline/lib-projections';
import { hashSecret, verifySecret } from '../client-secret';
import type { IdSource } from '../clock';
import { invalidClientMetadata } from '../errors';
import type { ClientMetadata } from './client-metadata';
import type { AdmittedMetadata } from './registration-policy';
import { hashRegistrationToken } from './registration-token';

/** What a registration or update decided; the clear values are shown once, in the answer. */
export interface RegistrationDecision {
  event: GrantlineEvent;
  client: ClientSnapshot;
  /** Present when a new registration access token was made (RFC 7592 §3). */
  registrationAccessToken?: string;
  /** Present when a new client secret was made. */
  clientSecret?: string;
}

const usesSecret = (method: ClientMetadata['token_endpoint_auth_method']) =>
  method === 'client_secret_basic' || method === 'client_secret_post';

/** RFC 7591 §3.2.1: a new client with its own id, secret if it authenticates with one, and management token. */
export async function decideRegistration(
  metadata: ClientMetadata,
  admitted: AdmittedMetadata,
  ids: IdSource,
  context: EventContext,
): Promise<RegistrationDecision> {
  const clientId = ids.tokenId();
  const now = context.now().toISOString();
  const clientSecret = usesSecret(metadata.token_endpoint_auth_method) ? ids.secret() : undefined;
  const registrationAccessToken = ids.secret();
  const client = snapshotOf(metadata, admitted, {
    clientId,
    secretHash: clientSecret === undefined ? null : await hashSecret(clientSecret),
    accessTokenHash: hashRegistrationToken(registrationAccessToken),
    createdAt: now,
    updatedAt: now,
  });
  const event = stampEvent(
    { type: 'ClientRegistered', aggregate: { type: 'client', id: clientId }, data: { client } },
    context,
  );
  return { event, client, registrationAccessToken, ...(clientSecret === undefined ? {} : { clientSecret }) };
}

/**
 * RFC 7592 §2.2: the client's metadata replaced whole. The secret stays when the client keeps
 * a secret method (a presented `client_secret` must be the current one); switching to one makes
 * a new secret. The registration access token is rotated, and the answer carries the new one.
 */
export async function decideReplacement(
  metadata: ClientMetadata,
  admitted: AdmittedMetadata,
  current: ClientRecord & { registration: NonNullable<ClientRecord['registration']> },
  presentedSecret: string | undefined,
  ids: IdSource,
  context: EventContext,
): Promise<RegistrationDecision> {
  if (presentedSecret !== undefined) {
    const matches = current.secretHash !== null && (await verifySecret(presentedSecret, current.secretHash));
    if (!matches) throw invalidClientMetadata('client_secret does not match the current secret');
  }
  const keepsSecret = usesSecret(metadata.token_endpoint_auth_method) && current.secretHash !== null;
  const clientSecret = usesSecret(metadata.token_endpoint_auth_method) && !keepsSecret ? ids.secret() : undefined;
  const secretHash = keepsSecret
    ? current.secretHash
    : clientSecret === undefined
      ? null
      : await hashSecret(clientSecret);
  const registrationAccessToken = ids.secret();
  const client = snapshotOf(metadata, admitted, {
    clientId: current.clientId,
    secretHash,
    accessTokenHash: hashRegistrationToken(registrationAccessToken),
    createdAt: current.createdAt,
    updatedAt: context.now().toISOString(),
  });
  const event = stampEvent(
    { type: 'ClientUpdated', aggregate: { type: 'client', id: client.clientId }, data: { client } },
    context,
  );
  return { event, client, registrationAccessToken, ...(clientSecret === undefined ? {} : { clientSecret }) };
}

/** RFC 7592 §2.3, or the idle sweep: the client is gone, with the reason in the event. */
export function decideDeletion(clientId: string, reason: ClientDeletionReason, context: EventContext): GrantlineEvent {
  return stampEvent(
    { type: 'ClientDeleted', aggregate: { type: 'client', id: clientId }, data: { clientId, reason } },
    context,
  );
}

interface Identity {
  clientId: string;
  secretHash: string | null;
  accessTokenHash: string;
  createdAt: string;
  updatedAt: string;
}

function snapshotOf(metadata: ClientMetadata, admitted: AdmittedMetadata, identity: Identity): ClientSnapshot {
  return {
    clientId: identity.clientId,
    name: metadata.client_name ?? `Client ${identity.clientId}`,
    secretHash: identity.secretHash,
    public: metadata.token_endpoint_auth_method === 'none',
    grantTypes: admitted.grantTypes,
    scopes: admitted.scopes,
    redirectUris: admitted.redirectUris,
    webOrigins: [],
    // Nobody vouches for a client that registered itself: the person always consents.
    firstParty: false,
    // A client that registered itself always uses PKCE.
    requirePkce: true,
    requireDpop: false,
    dpopNonce: false,
    requirePushedAuthorizationRequests: false,
    refreshTokens: refreshTokenPolicySchema.parse({}),
    resources: null,
    defaultResource: null,
    introspectsFor: null,
    jwks: metadata.jwks ?? null,
    jwksUri: metadata.jwks_uri ?? null,
    registration: {
      accessTokenHash: identity.accessTokenHash,
      applicationType: admitted.applicationType,
      tokenEndpointAuthMethod: metadata.token_endpoint_auth_method,
      clientUri: metadata.client_uri ?? null,
      logoUri: metadata.logo_uri ?? null,
      softwareId: metadata.software_id ?? null,
      softwareVersion: metadata.software_version ?? null,
      updatedAt: identity.updatedAt,
    },
    openid: plainOpenIdClient(),
    createdAt: identity.createdAt,
  };
}
