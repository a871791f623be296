/** What the services measure; the OAuth core and consumers see only this interface. */
export interface GrantlineMetrics {
  requestFinished(route: string, status: number, seconds: number): void;
  tokenIssued(grantType: string): void;
  /** Time from an event being recorded to a consumer having applied it. */
  eventApplied(consumer: string, eventType: string, lagSeconds: number): void;
  /** Time from a revocation being accepted to its marker being visible to every replica. */
  revocationVisible(seconds: number): void;
  /** A projection rebuild finished: why it started (`lost`, `regressed`) and how long it took. */
  projectionRebuilt(reason: string, seconds: number): void;
}

export const noMetrics: GrantlineMetrics = {
  requestFinished: () => undefined,
  tokenIssued: () => undefined,
  eventApplied: () => undefined,
  revocationVisible: () => undefined,
  projectionRebuilt: () => undefined,
};
