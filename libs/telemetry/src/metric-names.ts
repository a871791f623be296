/**
 * Every metric the services export, by its OpenTelemetry name, with the name Prometheus shows
 * at /metrics (counters gain `_total`; histograms show `_bucket`, `_sum`, `_count`). The
 * dashboard and alert rules in deploy/observability may use these names only (a unit test
 * checks), so renaming one here is the one place to start.
 */
export const METRICS = {
  requestDuration: { name: 'http.server.request.duration', kind: 'histogram' },
  tokensIssued: { name: 'grantline_tokens_issued', kind: 'counter' },
  introspections: { name: 'grantline_introspections', kind: 'counter' },
  artifactReuse: { name: 'grantline_artifact_reuse_detected', kind: 'counter' },
  devicePolls: { name: 'grantline_device_polls', kind: 'counter' },
  dpopFailures: { name: 'grantline_dpop_proof_failures', kind: 'counter' },
  dependencyFailures: { name: 'grantline_dependency_failures', kind: 'counter' },
  remoteFetches: { name: 'grantline_remote_fetches', kind: 'counter' },
  backchannelLogouts: { name: 'grantline_backchannel_logouts', kind: 'counter' },
  applyLag: { name: 'grantline_event_apply_lag_seconds', kind: 'histogram' },
  revocationVisible: { name: 'grantline_revocation_visible_seconds', kind: 'histogram' },
  projectionRebuild: { name: 'grantline_projection_rebuild_seconds', kind: 'histogram' },
  auditRefill: { name: 'grantline_audit_refill_seconds', kind: 'histogram' },
  deadLettered: { name: 'grantline_events_dead_lettered', kind: 'counter' },
  /** Semantic conventions for messaging: one record per Kafka produce request. */
  produceDuration: { name: 'messaging.client.operation.duration', kind: 'histogram' },
  eventsSent: { name: 'messaging.client.sent.messages', kind: 'counter' },
  consumerLag: { name: 'grantline_consumer_lag', kind: 'gauge' },
} as const;

export type MetricKind = 'counter' | 'histogram' | 'gauge';

/** The series names Prometheus shows for a metric. */
export function prometheusSeries(metric: { name: string; kind: MetricKind }): string[] {
  const base = metric.name.replace(/[^a-zA-Z0-9_:]/g, '_');
  switch (metric.kind) {
    case 'counter':
      return [`${base}_total`];
    case 'histogram':
      return [`${base}_bucket`, `${base}_sum`, `${base}_count`];
    case 'gauge':
      return [base];
  }
}
