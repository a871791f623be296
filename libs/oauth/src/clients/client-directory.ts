import type { ClientRecord, ProjectionStore } from '@grantline/lib-projections';

/** A client as a directory knows it; one known by its metadata document says which document and host. */
export type DirectoryClient = ClientRecord & {
  metadataDocument?: { sha256: string; host: string };
};

/**
 * Where every endpoint finds a client by its id. Registered clients are in the projection; a
 * directory may also know clients that are not (a client whose id names its own metadata).
 */
export interface ClientDirectory {
  find(clientId: string): Promise<DirectoryClient | null>;
}

/** The clients registered through the log, as the projection holds them. */
export function projectedClients(store: Pick<ProjectionStore, 'getClient'>): ClientDirectory {
  return { find: (clientId) => store.getClient(clientId) };
}
