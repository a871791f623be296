import type { ClientRecord } from '@grantline/lib-projections';
import { epochSeconds } from '../clock';
import type { OAuthContext } from '../oauth-context';
import { recordDecision } from '../recording/recorder';
import { decideDeletion } from './registration-decisions';

/** A client that registered itself, with the last time it was active. */
export interface DynamicClientActivity {
  clientId: string;
  /** Epoch seconds: the last token issued to it, or its registration or last update if later. */
  lastActive: number;
}

/** When a self-registered client was last active, or null for a client an operator made. */
export function activityOf(client: ClientRecord, lastUsed: number | null): DynamicClientActivity | null {
  if (client.registration === null) return null;
  const updated = Math.floor(Date.parse(client.registration.updatedAt) / 1000);
  return { clientId: client.clientId, lastActive: Math.max(updated, lastUsed ?? 0) };
}

/** The self-registered clients idle for at least `idleTtlSeconds` at `now` (epoch seconds). */
export function idleClients(
  activities: readonly DynamicClientActivity[],
  now: number,
  idleTtlSeconds: number,
): DynamicClientActivity[] {
  return activities.filter((activity) => now - activity.lastActive >= idleTtlSeconds);
}

type SweepContext = Pick<OAuthContext, 'store' | 'log' | 'guards' | 'clock' | 'settings'>;

/** How long the claim that one replica deletes an idle client is kept, in seconds. */
const SWEEP_CLAIM_SECONDS = 60 * 60;

/**
 * Deletes the self-registered clients to which no token was issued for the idle lifetime
 * (GRANTLINE_DYNAMIC_CLIENT_IDLE_TTL): ClientDeleted with the reason `idle`. Every replica may
 * sweep; a single-use claim on the client and the activity it was judged by lets one of them
 * record the deletion, so two sweeps at once do not both append it. Resolves with the ids deleted here.
 */
export async function sweepIdleClients(context: SweepContext): Promise<string[]> {
  const now = epochSeconds(context.clock);
  const dynamic = (await context.store.listClients()).filter((client) => client.registration !== null);
  const activities = await Promise.all(
    dynamic.map(async (client) => activityOf(client, await context.store.clientLastUsed(client.clientId))),
  );
  const idle = idleClients(
    activities.filter((activity) => activity !== null),
    now,
    context.settings.registration.idleTtlSeconds,
  );
  const deleted: string[] = [];
  for (const { clientId, lastActive } of idle) {
    const claim = `idle-client:${clientId}:${lastActive}`;
    if (!(await context.guards.claimOnce(claim, now + SWEEP_CLAIM_SECONDS))) continue;
    const event = decideDeletion(clientId, 'idle', { now: () => context.clock.now() });
    await recordDecision(context, { events: [event], release: { guards: context.guards, keys: [claim] } });
    deleted.push(clientId);
  }
  return deleted;
}
