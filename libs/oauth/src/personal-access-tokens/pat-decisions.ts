import {
  stampEvent,
  type EventContext,
  type GrantlineEvent,
  type PersonalAccessTokenSnapshot,
} from '@grantline/lib-events';
import type { ClientRecord } from '@grantline/lib-projections';
import { signAccessToken } from '@grantline/lib-tokens';
import { epochSeconds } from '../clock';
import { invalidScope } from '../errors';
import type { PersonalAccessTokenContext } from './pat-context';
import { PERSONAL_ACCESS_TOKEN_CLIENT_ID, PERSONAL_ACCESS_TOKENS_SCOPE, type CreationInput } from './pat-input';

/** Who creates or revokes a token: its user through an access token, or an operator. */
export type PersonalAccessTokenActor = Extract<GrantlineEvent, { type: 'PersonalAccessTokenCreated' }>['data']['by'];

/** The scopes this server offers: what registered clients may ask for (as in the metadata, RFC 8414). */
export function offeredScopes(clients: readonly ClientRecord[]): string[] {
  return [...new Set(clients.flatMap((client) => client.scopes))].sort();
}

/**
 * RFC 6749 §3.3: a personal access token gets only scopes the server offers, or the scope
 * that lets it manage personal access tokens; minted with an access token, none beyond that
 * token's own scopes. Refusals list the scopes at fault (invalid_scope, §5.2).
 */
export function checkRequestedScopes(
  requested: readonly string[],
  offered: readonly string[],
  presented?: readonly string[],
): void {
  const unknown = requested.filter((scope) => scope !== PERSONAL_ACCESS_TOKENS_SCOPE && !offered.includes(scope));
  if (unknown.length > 0) throw invalidScope(`These scopes are not offered: ${unknown.join(' ')}`);
  if (presented === undefined) return;
  const wider = requested.filter((scope) => !presented.includes(scope));
  if (wider.length > 0) {
    throw invalidScope(`The presented access token does not carry these scopes: ${wider.join(' ')}`);
  }
}

export interface CreationRequest {
  userId: string;
  input: CreationInput;
  offered: readonly string[];
  /** The scopes of the access token the user presented; absent on the admin path. */
  presentedScopes?: readonly string[];
  /** When a personal access token mints another, the new one ends no later than it (epoch seconds). */
  notAfter?: number;
  actor: PersonalAccessTokenActor;
  /** The third-party grant the new token ends with (see pat-endpoints.ts); absent for an independent one. */
  grant?: PersonalAccessTokenGrant;
  /** RFC 9449 §6: the DPoP key thumbprint the presented token was bound to, carried over. */
  jkt?: string;
}

/** The grant a personal access token was minted through, which it does not outlive. */
export type PersonalAccessTokenGrant = NonNullable<PersonalAccessTokenSnapshot['grant']>;

export interface CreationDecision {
  /** The token value: handed out once, never recorded. */
  accessToken: string;
  snapshot: PersonalAccessTokenSnapshot;
  event: GrantlineEvent;
}

/** Decides a new personal access token: its record, its signed JWT, and the event. Appends nothing. */
export async function decideCreation(
  context: Pick<PersonalAccessTokenContext, 'settings' | 'keys' | 'clock' | 'ids'>,
  events: EventContext,
  request: CreationRequest,
): Promise<CreationDecision> {
  const { input } = request;
  checkRequestedScopes(input.scopes, request.offered, request.presentedScopes);
  const createdAt = epochSeconds(context.clock);
  const snapshot: PersonalAccessTokenSnapshot = {
    tokenId: context.ids.tokenId(),
    userId: request.userId,
    name: input.name,
    scopes: input.scopes,
    createdAt,
    expiresAt: Math.min(createdAt + input.expiresInSeconds, request.notAfter ?? Number.MAX_SAFE_INTEGER),
    revokedAt: null,
    ...(request.grant === undefined ? {} : { grant: request.grant }),
  };
  const accessToken = await signAccessToken(context.keys, {
    iss: context.settings.issuer,
    sub: snapshot.userId,
    aud: context.settings.accessTokenAudience,
    client_id: PERSONAL_ACCESS_TOKEN_CLIENT_ID,
    scope: snapshot.scopes.join(' '),
    jti: snapshot.tokenId,
    iat: snapshot.createdAt,
    exp: snapshot.expiresAt,
    pat: true,
    ...(request.grant === undefined ? {} : { gid: request.grant.grantId, azp: request.grant.clientId }),
    ...(request.jkt === undefined ? {} : { cnf: { jkt: request.jkt } }),
  });
  const event = stampEvent(
    {
      type: 'PersonalAccessTokenCreated',
      aggregate: { type: 'personal-access-token', id: snapshot.tokenId },
      data: { token: snapshot, by: request.actor },
    },
    events,
  );
  return { accessToken, snapshot, event };
}

/** Revokes a token at `now` (epoch seconds); null when it already is, so a repeat records nothing. */
export function decideRevocation(
  snapshot: PersonalAccessTokenSnapshot,
  actor: PersonalAccessTokenActor,
  now: number,
  events: EventContext,
): { snapshot: PersonalAccessTokenSnapshot; event: GrantlineEvent } | null {
  if (snapshot.revokedAt !== null) return null;
  const revoked: PersonalAccessTokenSnapshot = { ...snapshot, revokedAt: now };
  const event = stampEvent(
    {
      type: 'PersonalAccessTokenRevoked',
      aggregate: { type: 'personal-access-token', id: snapshot.tokenId },
      data: { token: revoked, by: actor },
    },
    events,
  );
  return { snapshot: revoked, event };
}

/** A token as its owner and operators see it: never its value. Times are ISO 8601 (UTC). */
export interface PersonalAccessTokenView {
  id: string;
  name: string;
  scopes: string[];
  created_at: string;
  expires_at: string;
  revoked: boolean;
}

export function tokenView(snapshot: PersonalAccessTokenSnapshot): PersonalAccessTokenView {
  return {
    id: snapshot.tokenId,
    name: snapshot.name,
    scopes: snapshot.scopes,
    created_at: isoTime(snapshot.createdAt),
    expires_at: isoTime(snapshot.expiresAt),
    revoked: snapshot.revokedAt !== null,
  };
}

/** The creation answer: the only place the value ever appears. */
export function createdView(decision: CreationDecision) {
  const { snapshot } = decision;
  return {
    id: snapshot.tokenId,
    access_token: decision.accessToken,
    token_type: 'Bearer',
    name: snapshot.name,
    scopes: snapshot.scopes,
    expires_at: isoTime(snapshot.expiresAt),
  };
}

/**
 * What a list shows: unexpired tokens, revoked ones included (marked), oldest first. Expired
 * tokens are gone for good, so they are left out.
 */
export function listedTokens(
  snapshots: readonly PersonalAccessTokenSnapshot[],
  now: number,
): PersonalAccessTokenView[] {
  return snapshots
    .filter((snapshot) => snapshot.expiresAt > now)
    .sort((a, b) => a.createdAt - b.createdAt || a.tokenId.localeCompare(b.tokenId))
    .map(tokenView);
}

function isoTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}
