import type { IncomingMessage, ServerResponse } from 'node:http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { kafkaInstruments } from './kafka-instruments';
import { METRICS } from './metric-names';
import type { GrantlineMetrics } from './metrics-port';
import { otlpTracing, propagationOnly, type Tracing } from './tracing';

export interface Telemetry {
  metrics: GrantlineMetrics;
  tracing: Tracing;
  /** Serves the Prometheus text format; mounted at /metrics on each service's own port. */
  metricsHandler(request: IncomingMessage, response: ServerResponse): void;
  shutdown(): Promise<void>;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** How often metrics are pushed over OTLP when an endpoint is configured. */
const OTLP_EXPORT_INTERVAL_MS = 15_000;

/**
 * OpenTelemetry metrics: always pulled at /metrics (Prometheus text), and also pushed over
 * OTLP/HTTP when an endpoint is configured. Names follow the semantic conventions where one
 * exists (`http.server.request.duration`); the rest are Grantline's own, prefixed `grantline_`.
 */
export function createTelemetry(service: string, otlpEndpoint?: string): Telemetry {
  const tracing = otlpEndpoint ? otlpTracing(service, otlpEndpoint) : propagationOnly;
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const readers: IMetricReader[] = [prometheus];
  if (otlpEndpoint) {
    const url = `${otlpEndpoint.replace(/\/$/, '')}/v1/metrics`;
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url }),
        exportIntervalMillis: OTLP_EXPORT_INTERVAL_MS,
      }),
    );
  }
  const provider = new MeterProvider({ readers });
  const meter = provider.getMeter('grantline', '0.1.0');
  const histogram = (name: string, description: string) =>
    meter.createHistogram(name, { description, unit: 's', advice: { explicitBucketBoundaries: LATENCY_BUCKETS } });
  const counter = (name: string, description: string) => meter.createCounter(name, { description });

  const duration = histogram(METRICS.requestDuration.name, 'Duration of HTTP server requests');
  const issued = counter(METRICS.tokensIssued.name, 'Access tokens issued, per grant type');
  const introspections = counter(METRICS.introspections.name, 'Introspection answers, by result');
  const reuse = counter(METRICS.artifactReuse.name, 'Codes and refresh tokens presented again (grant revoked)');
  const polls = counter(METRICS.devicePolls.name, 'Device-code polls at the token endpoint, by answer');
  const dpop = counter(METRICS.dpopFailures.name, 'DPoP proofs refused, by reason');
  const dependencies = counter(
    METRICS.dependencyFailures.name,
    'Requests failed by a shared dependency, by dependency',
  );
  const fetches = counter(METRICS.remoteFetches.name, 'Fetches of URLs that clients name, by outcome');
  const backchannel = counter(METRICS.backchannelLogouts.name, 'Back-channel logout notices to clients, by outcome');
  const lag = histogram(METRICS.applyLag.name, 'Time from an event being recorded to a consumer applying it');
  const revocation = histogram(
    METRICS.revocationVisible.name,
    'Time from a revocation being accepted to it being visible on every replica',
  );
  const rebuilds = meter.createHistogram(METRICS.projectionRebuild.name, {
    description: 'Projection rebuilds after the store lost data or went back in time, and how long each took',
    unit: 's',
  });
  const refills = meter.createHistogram(METRICS.auditRefill.name, {
    description: 'Audit store refills after it was emptied or restored from an older backup, and how long each took',
    unit: 's',
  });
  const deadLettered = counter(METRICS.deadLettered.name, 'Unreadable records moved to the dead-letter topic');
  const kafka = kafkaInstruments(meter, service);
  return {
    metrics: {
      requestFinished: (method, route, status, seconds) =>
        duration.record(seconds, {
          service,
          'http.request.method': method,
          'http.route': route,
          'http.response.status_code': status,
        }),
      tokenIssued: (grantType) => issued.add(1, { service, grant_type: grantType }),
      introspected: (result) => introspections.add(1, { service, result }),
      artifactReuseDetected: (artifact) => reuse.add(1, { service, artifact }),
      devicePolled: (answer) => polls.add(1, { service, answer }),
      dpopProofFailed: (reason) => dpop.add(1, { service, reason }),
      dependencyFailed: (dependency) => dependencies.add(1, { service, dependency }),
      remoteFetched: (outcome) => fetches.add(1, { service, outcome }),
      backchannelLogout: (outcome) => backchannel.add(1, { service, outcome }),
      eventApplied: (consumer, eventType, seconds) => lag.record(seconds, { consumer, event_type: eventType }),
      revocationVisible: (seconds) => revocation.record(seconds, { service }),
      projectionRebuilt: (reason, seconds) => rebuilds.record(seconds, { reason }),
      auditRefilled: (reason, seconds) => refills.record(seconds, { reason }),
      eventDeadLettered: (consumer, reason) => deadLettered.add(1, { consumer, reason }),
      eventsSent: kafka.eventsSent,
      consumerLag: kafka.consumerLag,
    },
    metricsHandler: (request, response) => prometheus.getMetricsRequestHandler(request, response),
    tracing,
    shutdown: async () => {
      await Promise.all([provider.shutdown(), tracing.shutdown()]);
    },
  };
}
