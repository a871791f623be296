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
  | 'device-redeemed';
