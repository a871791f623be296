import { type ClientSnapshot, type GrantlineEvent } from '@grantline/lib-events';

/** The client as every service sees it. */
export type ClientRecord = ClientSnapshot;

/** Pure reducer for one client's events. */
export function evolveClient(state: ClientRecord | null, event: GrantlineEvent): ClientRecord | null {
  switch (event.type) {
    case 'ClientRegistered':
    case 'ClientUpdated':
    case 'ClientSecretRotated':
      return event.data.client;
    case 'ClientDeleted':
      return null;
    default:
      return state;
  }
}
