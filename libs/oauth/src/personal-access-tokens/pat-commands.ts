import {
  personalAccessTokenSnapshotSchema,
  type EventContext,
  type PersonalAccessTokenSnapshot,
} from '@grantline/lib-events';
import type { ProjectionStore } from '@grantline/lib-projections';
import { epochSeconds } from '../clock';
import type { ProjectionWait } from '../recording/decision';
import { recordDecision } from '../recording/recorder';
import type { PersonalAccessTokenContext } from './pat-context';
import {
  decideCreation,
  decideRevocation,
  listedTokens,
  offeredScopes,
  type CreationDecision,
  type CreationRequest,
  type PersonalAccessTokenActor,
  type PersonalAccessTokenView,
} from './pat-decisions';

/** How long a command waits for the projection to show its change, so the next list does. */
const VISIBLE_TIMEOUT_MS = 3_000;

const COLLECTION = 'personal-access-token';
const userIndex = (userId: string) => `personal-access-tokens:${userId}`;

/** A token's record as projected, or null when there is none. */
export async function findPersonalAccessToken(
  store: ProjectionStore,
  tokenId: string,
): Promise<PersonalAccessTokenSnapshot | null> {
  return personalAccessTokenSnapshotSchema.nullable().parse(await store.getRecord(COLLECTION, tokenId));
}

/**
 * The token `tokenId` if it is `userId`'s and unexpired, else null. Another user's token and an
 * unknown id look the same, so callers cannot learn which ids exist.
 */
export async function findOwnedPersonalAccessToken(
  context: Pick<PersonalAccessTokenContext, 'store' | 'clock'>,
  tokenId: string,
  userId: string | null,
): Promise<PersonalAccessTokenSnapshot | null> {
  const snapshot = await findPersonalAccessToken(context.store, tokenId);
  if (!snapshot || snapshot.expiresAt <= epochSeconds(context.clock)) return null;
  return userId === null || snapshot.userId === userId ? snapshot : null;
}

export async function listPersonalAccessTokens(
  context: Pick<PersonalAccessTokenContext, 'store' | 'clock'>,
  userId: string,
): Promise<PersonalAccessTokenView[]> {
  const records = await context.store.listRecords(COLLECTION, userIndex(userId));
  const snapshots = records.map((record) => personalAccessTokenSnapshotSchema.parse(record));
  return listedTokens(
    snapshots.filter((snapshot) => snapshot.userId === userId),
    epochSeconds(context.clock),
  );
}

/**
 * Creates a token: decide, record, then wait (bounded) until the projection lists it. The
 * token is live as soon as it is recorded, since its liveness reads only its user and its
 * revocation marker, so a slow projection delays the answer but never fails it.
 */
export async function createPersonalAccessToken(
  context: PersonalAccessTokenContext,
  events: EventContext,
  request: Omit<CreationRequest, 'offered'>,
): Promise<CreationDecision> {
  const offered = offeredScopes(await context.store.listClients());
  const decision = await decideCreation(context, events, { ...request, offered });
  await recordDecision(context, {
    events: [decision.event],
    readOwnWrite: {
      kind: 'wait-for-projection',
      wait: visible(context.store, decision.snapshot.tokenId, (record) => record !== null),
    },
  });
  return decision;
}

/**
 * Revokes a token; revoking a revoked one again records nothing. The marker is written through
 * before we answer, so every introspection replica reports the token inactive at once; the
 * projector writes the same marker from the log.
 */
export async function revokePersonalAccessToken(
  context: PersonalAccessTokenContext,
  events: EventContext,
  snapshot: PersonalAccessTokenSnapshot,
  actor: PersonalAccessTokenActor,
): Promise<PersonalAccessTokenSnapshot> {
  const decision = decideRevocation(snapshot, actor, epochSeconds(context.clock), events);
  if (!decision) return snapshot;
  await recordDecision(context, {
    events: [decision.event],
    readOwnWrite: {
      kind: 'write-through',
      thenWait: visible(context.store, snapshot.tokenId, (record) => record?.revokedAt !== null),
    },
  });
  return decision.snapshot;
}

/** Waits (bounded) until the token's record, which only the projector writes, shows the change. */
function visible(
  store: ProjectionStore,
  tokenId: string,
  until: (record: PersonalAccessTokenSnapshot | null) => boolean,
): ProjectionWait<PersonalAccessTokenSnapshot | null> {
  return { read: () => findPersonalAccessToken(store, tokenId), until, timeoutMs: VISIBLE_TIMEOUT_MS };
}
