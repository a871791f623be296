import type { EventLog } from '@grantline/lib-event-log';
import type { ProjectionStore } from '@grantline/lib-projections';
import type { KeyRing } from '@grantline/lib-tokens';
import type { Clock, IdSource } from '../clock';
import type { OAuthSettings } from '../oauth-context';

/** The settings personal access tokens are minted with. */
export type PersonalAccessTokenSettings = Pick<
  OAuthSettings,
  'issuer' | 'accessTokenAudience' | 'personalAccessTokens'
>;

/**
 * What creating, listing and revoking personal access tokens needs. An `OAuthContext` is one;
 * the admin service, which has no OAuth endpoints, builds one from its own dependencies.
 */
export interface PersonalAccessTokenContext {
  settings: PersonalAccessTokenSettings;
  log: EventLog;
  store: ProjectionStore;
  keys: KeyRing;
  clock: Clock;
  ids: IdSource;
}
