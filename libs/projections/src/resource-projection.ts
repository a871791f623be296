import { resourceSnapshotSchema, type EventOfType, type ResourceSnapshot } from '@grantline/lib-events';
import type { ProjectionStore } from './port';
import type { ProjectionWriter } from './projection-writer';
import type { AppliedPosition } from './projection-records';

/** A registered resource (RFC 8707) as every service sees it. */
export type ResourceRecord = ResourceSnapshot;

/** The index set that lists every live resource. */
const RESOURCES_INDEX = 'resources';

type ResourceEvent = EventOfType<'ResourceRegistered' | 'ResourceUpdated' | 'ResourceDeleted'>;

/** Resource events carry the whole resource, so the newest one is the state; a deletion removes it. */
export function projectResource(
  writer: ProjectionWriter,
  event: ResourceEvent,
  position: AppliedPosition,
): Promise<void> {
  const [uri, record] =
    event.type === 'ResourceDeleted' ? [event.data.uri, null] : [event.data.resource.uri, event.data.resource];
  return writer.applyRecord('resource', uri, position, record, RESOURCES_INDEX);
}

/** What reading resources needs of a projection store. */
export type RecordReader = Pick<ProjectionStore, 'getRecord' | 'listRecords'>;

/** One registered resource by its identifier, or null. */
export async function readResource(store: RecordReader, uri: string): Promise<ResourceRecord | null> {
  const record = await store.getRecord('resource', uri);
  return record === null || record === undefined ? null : resourceSnapshotSchema.parse(record);
}

/** Several resources read at once, in the order asked; an unknown one is null. */
export function readResources(store: RecordReader, uris: readonly string[]): Promise<Array<ResourceRecord | null>> {
  return Promise.all(uris.map((uri) => readResource(store, uri)));
}

/** Every registered resource, ordered by identifier. */
export async function listResources(store: RecordReader): Promise<ResourceRecord[]> {
  const records = await store.listRecords('resource', RESOURCES_INDEX);
  return records.map((record) => resourceSnapshotSchema.parse(record)).sort((a, b) => a.uri.localeCompare(b.uri));
}
