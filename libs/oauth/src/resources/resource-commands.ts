import {
  resourceAggregateId,
  stampEvent,
  type EventContext,
  type GrantlineEvent,
  type ResourceSnapshot,
} from '@grantline/lib-events';
import { readResources, type ClientRecord, type RecordReader, type ResourceRecord } from '@grantline/lib-projections';
import { commandRefused } from '../errors';
import type { RegisterResourceInput, UpdateResourceInput } from './resource-input';

export interface ResourceDecision {
  event: GrantlineEvent;
  resource: ResourceSnapshot;
}

export function registerResource(
  input: RegisterResourceInput,
  existing: ResourceRecord | null,
  context: EventContext,
): ResourceDecision {
  if (existing) throw commandRefused(409, `resource ${existing.uri} already exists`);
  const resource: ResourceSnapshot = {
    uri: input.uri,
    name: input.name,
    scopes: input.scopes,
    createdAt: context.now().toISOString(),
  };
  return { event: resourceEvent('ResourceRegistered', resource, context), resource };
}

export function updateResource(
  input: UpdateResourceInput,
  existing: ResourceRecord | null,
  context: EventContext,
): ResourceDecision {
  const current = requireResource(existing);
  const resource: ResourceSnapshot = {
    ...current,
    name: input.name ?? current.name,
    scopes: input.scopes ?? current.scopes,
  };
  return { event: resourceEvent('ResourceUpdated', resource, context), resource };
}

/**
 * Deletes a resource no client names: a client limited to it, or sent to it by default, would
 * otherwise have its requests refused without anyone having changed the client, and one that
 * introspects for it would be left linked to nothing.
 */
export function deleteResource(
  existing: ResourceRecord | null,
  clients: readonly ClientRecord[],
  context: EventContext,
): { event: GrantlineEvent } {
  const current = requireResource(existing);
  const naming = clients.filter(
    (client) =>
      client.defaultResource === current.uri ||
      client.introspectsFor === current.uri ||
      (client.resources ?? []).includes(current.uri),
  );
  if (naming.length > 0) {
    const ids = naming.map((client) => client.clientId).join(', ');
    throw commandRefused(409, `resource ${current.uri} is still named by clients: ${ids}`);
  }
  const event = stampEvent(
    {
      type: 'ResourceDeleted',
      aggregate: { type: 'resource', id: resourceAggregateId(current.uri) },
      data: { uri: current.uri },
    },
    context,
  );
  return { event };
}

function resourceEvent(
  type: 'ResourceRegistered' | 'ResourceUpdated',
  resource: ResourceSnapshot,
  context: EventContext,
): GrantlineEvent {
  return stampEvent(
    { type, aggregate: { type: 'resource', id: resourceAggregateId(resource.uri) }, data: { resource } },
    context,
  );
}

function requireResource(existing: ResourceRecord | null): ResourceRecord {
  if (!existing) throw commandRefused(404, 'no such resource');
  return existing;
}

/** The resource as the admin API shows it. */
export function resourceView(resource: ResourceSnapshot): Record<string, unknown> {
  return { uri: resource.uri, name: resource.name, scopes: resource.scopes, created_at: resource.createdAt };
}

/** Refuses a client registration that names a resource nobody registered. */
export async function requireRegisteredResources(store: RecordReader, uris: readonly string[]): Promise<void> {
  const found = await readResources(store, uris);
  const unknown = uris.filter((_, index) => found[index] === null);
  if (unknown.length > 0) throw commandRefused(400, `no such resource: ${unknown.join(' ')}`);
}
