import type { GrantlineEvent } from '@grantline/lib-events';
import type { ClientRecord } from './client-projection';

/** Where an applied event sat in the log, so re-applying it is a no-op. */
export interface AppliedPosition {
  partition: number;
  offset: string;
}

/** What the hot paths need, read in a single round trip: some clients and a token's revocation. */
export interface StateQuery {
  clientIds: readonly string[];
  jti?: string;
}

export interface StateSnapshot {
  clients: ReadonlyMap<string, ClientRecord | null>;
  /** False when no `jti` was asked for. */
  revoked: boolean;
}

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
  /** Fixed-window counter; true while the caller is within `limit` per `windowSeconds`. */
  consumeRateLimit(key: string, limit: number, windowSeconds: number): Promise<boolean>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export class ProjectionStoreUnavailableError extends Error {
  override readonly name = 'ProjectionStoreUnavailableError';
}
