/** Where an applied event sat in the log, so re-applying it is a no-op. */
export interface AppliedPosition {
  /** The stream (topic) of the partition; stores that keep positions per partition need it. */
  stream?: string;
  partition: number;
  offset: string;
}

/** Collections of records that change over time, applied in log order (apply-if-newer). */
export type RecordCollection =
  | 'user'
  | 'consent'
  /** The resources (RFC 8707) a remembered consent covers, by the consent's id. */
  | 'consent-resources'
  | 'personal-access-token'
  | 'resource';

/** Collections of records written once and kept until they expire. */
export type OnceCollection =
  /** A device authorization request, by device id (RFC 8628). */
  | 'device'
  /** user code hash -> device id. */
  | 'device-user-code'
  /** The person's decision on a device authorization: the first one stays. */
  | 'device-decision'
  /** Set once the device code was exchanged for tokens. */
  | 'device-redeemed'
  /** A browser session, by its id (OpenID Connect `sid`). */
  | 'session'
  /** Set once a session ended before its time; every replica refuses it from then on. */
  | 'session-ended';

/**
 * Sets of members written one member at a time, each member's first value kept; the set lives
 * until the latest expiry any of its members was written with.
 */
export type MemberCollection =
  /** A user's sessions (session id -> the session's end), by user id. */
  | 'user-sessions'
  /** The grants whose codes were issued in a session (grant id -> client and offline access), by session id. */
  | 'session-grants';
