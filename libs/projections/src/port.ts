import type { GrantlineEvent } from '@grantline/lib-events';
import type { ClientRecord } from './client-projection';
import type { UserRecord } from './user-projection';

/** Where an applied event sat in the log, so re-applying it is a no-op. */
export interface AppliedPosition {
  partition: number;
  offset: string;
}

/** What the hot paths need, read in a single round trip: clients, a token's and its grant's revocation, a user. */
export interface StateQuery {
  clientIds: readonly string[];
  jti?: string;
  grantId?: string;
  userId?: string;
  /** Reads when consent for this user and client was last withdrawn. */
  consent?: { userId: string; clientId: string };
}

export interface StateSnapshot {
  clients: ReadonlyMap<string, ClientRecord | null>;
  /** True when the token or its grant is revoked; false when neither was asked for. */
  revoked: boolean;
  /** Present when a `userId` was asked for. */
  user?: UserRecord | null;
  /** When `consent` was asked for: grants started before this (epoch seconds) are revoked; 0 if never withdrawn. */
  grantsRevokedBefore?: number;
}

/** Outcome of presenting a refresh token to its single-use claim. */
export type RefreshClaim =
  /** First presentation: the caller rotates it. */
  | { kind: 'first' }
  /** Already rotated, but within the client's grace period. */
  | { kind: 'grace' }
  /** Already rotated and outside any grace period: reuse. */
  | { kind: 'reused' };

/**
 * The hot projections. `apply` is the projector's (single writer); `markRevoked` and
 * `consumeRateLimit` are the guards owned by the services that check them.
 */
export interface ProjectionStore {
  apply(event: GrantlineEvent, position: AppliedPosition): Promise<void>;
  getClient(clientId: string): Promise<ClientRecord | null>;
  listClients(): Promise<ClientRecord[]>;
  read(query: StateQuery): Promise<StateSnapshot>;
  /** Writes the same marker the projector writes for AccessTokenRevoked; idempotent. */
  markRevoked(jti: string, expiresAt: number): Promise<void>;
  getUser(userId: string): Promise<UserRecord | null>;
  findUserByEmail(email: string): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  /** The remembered consented scopes of a user for a client, or null. */
  getConsent(userId: string, clientId: string): Promise<readonly string[] | null>;
  /** Whether any registered client lists this web origin (CORS preflights, which carry no client id). */
  isWebOrigin(origin: string): Promise<boolean>;
  /** Writes the marker the projector writes for ConsentWithdrawn; idempotent, and never moves it back. */
  markConsentWithdrawn(userId: string, clientId: string, revokesGrantsBefore: number): Promise<void>;
  /** Writes the same marker the projector writes for GrantRevoked; idempotent. */
  markGrantRevoked(grantId: string, expiresAt: number): Promise<void>;
  /** Atomic single-use claim (authorization codes): true for the first caller only. */
  claimOnce(key: string, expiresAt: number): Promise<boolean>;
  /** Undoes a claim whose request failed before anything was handed out, so the client may retry. */
  releaseClaim(key: string): Promise<void>;
  /** Atomic rotation guard for one refresh token; `graceSeconds` counts from the first presentation. */
  claimRefreshToken(refreshId: string, expiresAt: number, graceSeconds: number): Promise<RefreshClaim>;
  /** Whether the fixed-window counter has reached `limit`, without counting this call. */
  isRateLimited(key: string, limit: number): Promise<boolean>;
  /** Fixed-window counter; true while the caller is within `limit` per `windowSeconds`. */
  consumeRateLimit(key: string, limit: number, windowSeconds: number): Promise<boolean>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export class ProjectionStoreUnavailableError extends Error {
  override readonly name = 'ProjectionStoreUnavailableError';
}
