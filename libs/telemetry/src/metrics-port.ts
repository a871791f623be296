/** How an introspection answered a caller: the token is active, or it is not. */
export type IntrospectionResult = 'active' | 'inactive';

/** RFC 8628 §3.5: what a device-code poll was told, or `issued` when it got its tokens. */
export type DevicePollAnswer =
  'issued' | 'authorization_pending' | 'slow_down' | 'access_denied' | 'expired_token' | 'invalid_grant';

/** The shared dependency whose failure turned a request into a 503. */
export type FailedDependency = 'kafka' | 'redis' | 'projection';

/** What the services measure; the OAuth core and consumers see only this interface. */
export interface GrantlineMetrics {
  requestFinished(method: string, route: string, status: number, seconds: number): void;
  tokenIssued(grantType: string): void;
  introspected(result: IntrospectionResult): void;
  /** An authorization code or refresh token was presented again: its grant is revoked. */
  artifactReuseDetected(artifact: 'authorization_code' | 'refresh_token'): void;
  devicePolled(answer: DevicePollAnswer): void;
  /** A DPoP proof was refused; `reason` is one of a small fixed set (see lib-oauth's DpopFailure). */
  dpopProofFailed(reason: string): void;
  /** A request failed because a shared dependency did. */
  dependencyFailed(dependency: FailedDependency): void;
  /** A URL a client named was fetched: `ok`, or why not (a small fixed set: RemoteFetchFailure in lib-fetch). */
  remoteFetched(outcome: string): void;
  /** A client was told of a logout over its back channel: `delivered`, `failed`, or `skipped` (another replica has it). */
  backchannelLogout(outcome: 'delivered' | 'failed' | 'skipped'): void;
  /** Time from an event being recorded to a consumer having applied it. */
  eventApplied(consumer: string, eventType: string, lagSeconds: number): void;
  /** Time from a revocation being accepted to its marker being visible to every replica. */
  revocationVisible(seconds: number): void;
  /** A projection rebuild finished: why it started (`lost`, `regressed`) and how long it took. */
  projectionRebuilt(reason: string, seconds: number): void;
  /** The audit store was refilled from the log: why (`gone`, `behind`) and how long it took. */
  auditRefilled(reason: string, seconds: number): void;
  /** A record no consumer could read was moved to the dead-letter topic (`not_json`, `invalid_event`). */
  eventDeadLettered(consumer: string, reason: string): void;
  /**
   * One Kafka produce request finished after `seconds`, carrying `events`; `errorType` names the
   * failure (an error class) when it failed. Once per request, never per event.
   */
  eventsSent(seconds: number, events: number, errorType?: string): void;
  /** After a consumer group handled a batch: events of the partition still behind its high watermark. */
  consumerLag(consumer: string, topic: string, partition: number, events: number): void;
}

const ignore = (): void => undefined;

export const noMetrics: GrantlineMetrics = {
  requestFinished: ignore,
  tokenIssued: ignore,
  introspected: ignore,
  artifactReuseDetected: ignore,
  devicePolled: ignore,
  dpopProofFailed: ignore,
  dependencyFailed: ignore,
  remoteFetched: ignore,
  backchannelLogout: ignore,
  eventApplied: ignore,
  revocationVisible: ignore,
  projectionRebuilt: ignore,
  auditRefilled: ignore,
  eventDeadLettered: ignore,
  eventsSent: ignore,
  consumerLag: ignore,
};
