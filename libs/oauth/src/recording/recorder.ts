import type { GrantlineEvent } from '@grantline/lib-events';
import type { EventLog } from '@grantline/lib-event-log';
import {
  isWrittenThrough,
  waitForProjection,
  type ProjectionStore,
  type WrittenThroughEvent,
} from '@grantline/lib-projections';
import type { ClaimsToRelease, Decision, ReadOwnWrite } from './decision';

/** What recording needs: the log, and the projection for write-throughs. */
export interface RecorderPorts {
  log: Pick<EventLog, 'append'>;
  store: Pick<ProjectionStore, 'writeThrough'>;
}

/**
 * The one place a decision is recorded: append its events (the log validates and makes them
 * durable); if that fails, release its claims and fail; then make the change readable as the
 * decision asks. Nothing may be handed out before this resolves. Resolves with the value the
 * decision's wait read, if it has one and saw the change.
 */
export function recordDecision<T>(ports: RecorderPorts, decision: Decision<T>): Promise<T | undefined> {
  const { events, release, readOwnWrite } = decision;
  // Checked before anything is recorded, so a decision that cannot be written through fails whole.
  const through = readOwnWrite?.kind === 'write-through' ? writtenThroughOf(events) : undefined;
  let recorded = ports.log.append(events);
  if (release !== undefined) recorded = recorded.catch((error: unknown) => releaseAndRethrow(release, error));
  // The token endpoint's path: no further step, so no further promise. Appends resolve empty.
  if (readOwnWrite === undefined) return recorded as Promise<undefined>;
  return recorded.then(() => readOwnWriteOf(ports.store, readOwnWrite, through));
}

function writtenThroughOf(events: readonly GrantlineEvent[]): WrittenThroughEvent[] {
  const through = events.filter(isWrittenThrough);
  if (through.length === 0) {
    throw new Error(`none of ${events.map((event) => event.type).join(', ')} may be written through`);
  }
  return through;
}

/** Gives back claims taken for a request that failed before anything was handed out; never throws. */
export async function releaseClaims(claims: ClaimsToRelease): Promise<void> {
  await Promise.all(claims.keys.map((key) => claims.guards.releaseClaim(key).catch(() => undefined)));
}

async function releaseAndRethrow(release: ClaimsToRelease, error: unknown): Promise<never> {
  await releaseClaims(release);
  throw error;
}

async function readOwnWriteOf<T>(
  store: RecorderPorts['store'],
  readOwnWrite: ReadOwnWrite<T>,
  through: readonly WrittenThroughEvent[] | undefined,
): Promise<T | undefined> {
  if (through !== undefined) await store.writeThrough(through);
  const wait = readOwnWrite.kind === 'write-through' ? readOwnWrite.thenWait : readOwnWrite.wait;
  if (wait === undefined) return undefined;
  const seen = await waitForProjection(wait.read, wait.until, wait.timeoutMs);
  if (seen === undefined && wait.unseen !== undefined) throw wait.unseen();
  return seen?.value;
}
