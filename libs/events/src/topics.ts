import type { Aggregate } from './envelope';
import type { GrantlineEvent, GrantlineEventType } from './catalogue';

/** Logical streams; the event-log adapters map them to Kafka topics or files. */
export const streams = ['clients', 'users', 'tokens'] as const;
export type Stream = (typeof streams)[number];

/** What the catalogue fixes for each event type, whatever its payload. */
export interface CatalogueEntry {
  /**
   * The stream, hence the Kafka topic and its retention: `clients` and `users` are compacted
   * (the newest event per key is kept for ever), `tokens` is deleted after its retention.
   */
  readonly stream: Stream;
}

/**
 * Every event type with its stream. Typed over the union, so an event type added to the
 * catalogue without a stream (or a stream entry for a type that does not exist) fails to compile.
 */
export const eventCatalogue: { readonly [T in GrantlineEventType]: CatalogueEntry } = {
  ClientRegistered: { stream: 'clients' },
  ClientUpdated: { stream: 'clients' },
  ClientSecretRotated: { stream: 'clients' },
  ClientDeleted: { stream: 'clients' },
  // Resources are registered beside clients and, like them, kept for ever by compaction.
  ResourceRegistered: { stream: 'clients' },
  ResourceUpdated: { stream: 'clients' },
  ResourceDeleted: { stream: 'clients' },
  UserRegistered: { stream: 'users' },
  UserPasswordChanged: { stream: 'users' },
  UserDisabled: { stream: 'users' },
  UserEnabled: { stream: 'users' },
  UserProfileChanged: { stream: 'users' },
  ConsentGranted: { stream: 'users' },
  ConsentWithdrawn: { stream: 'users' },
  // Personal access tokens live up to a year: the compacted topic keeps them past any retention.
  PersonalAccessTokenCreated: { stream: 'users' },
  PersonalAccessTokenRevoked: { stream: 'users' },
  AccessTokenIssued: { stream: 'tokens' },
  AccessTokenRevoked: { stream: 'tokens' },
  AuthorizationCodeIssued: { stream: 'tokens' },
  AuthorizationCodeRedeemed: { stream: 'tokens' },
  RefreshTokenIssued: { stream: 'tokens' },
  RefreshTokenRotated: { stream: 'tokens' },
  ArtifactReuseDetected: { stream: 'tokens' },
  GrantRevoked: { stream: 'tokens' },
  SignInSucceeded: { stream: 'tokens' },
  SignInFailed: { stream: 'tokens' },
  // A session lasts hours (GRANTLINE_SESSION_TTL), far inside the tokens topic's retention.
  SessionStarted: { stream: 'tokens' },
  SessionEnded: { stream: 'tokens' },
  BackchannelLogoutDelivered: { stream: 'tokens' },
  BackchannelLogoutFailed: { stream: 'tokens' },
  DeviceAuthorizationRequested: { stream: 'tokens' },
  DeviceAuthorizationApproved: { stream: 'tokens' },
  DeviceAuthorizationDenied: { stream: 'tokens' },
  DeviceCodeRedeemed: { stream: 'tokens' },
  UserCodeRejected: { stream: 'tokens' },
};

/**
 * The stream an envelope's aggregate implies. Appends refuse an event whose aggregate implies
 * another stream than its type's, so the Kafka key and the topic always agree.
 */
export function streamOf(aggregate: Aggregate): Stream {
  switch (aggregate.type) {
    case 'client':
    case 'resource':
      return 'clients';
    case 'user':
    case 'consent':
    case 'personal-access-token':
      return 'users';
    case 'token':
    case 'grant':
    case 'sign-in':
    case 'session':
    case 'device':
      return 'tokens';
  }
}

/** The stream an event is written to and read from: its type's, from the catalogue. */
export function streamOfEvent(event: GrantlineEvent): Stream {
  return eventCatalogue[event.type].stream;
}
