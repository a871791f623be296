import type { ClientRecord, ProjectionStore } from '@grantline/lib-projections';

/**
 * Where every endpoint finds a client by its id. Registered clients are in the projection; a
 * directory may also know clients that are not (a client whose id names its own metadata).
 */
export interface ClientDirectory {
  find(clientId: string): Promise<ClientRecord | null>;
}

/** The clients registered through the log, as the projection holds them. */
export function projectedClients(store: Pick<ProjectionStore, 'getClient'>): ClientDirectory {
  return { find: (clientId) => store.getClient(clientId) };
}
