import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
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

/** OpenTelemetry metrics, pulled by Prometheus; nothing is pushed off the machine. */
export function createTelemetry(service: string, otlpEndpoint?: string): Telemetry {
  const tracing = otlpEndpoint ? otlpTracing(service, otlpEndpoint) : propagationOnly;
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  const meter = provider.getMeter('grantline', '0.1.0');
  const duration = meter.createHistogram('grantline_http_request_duration_seconds', {
    description: 'Request latency per endpoint',
    unit: 's',
    advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
  });
  const issued = meter.createCounter('grantline_tokens_issued', { description: 'Access tokens issued per grant type' });
  const lag = meter.createHistogram('grantline_event_apply_lag_seconds', {
    description: 'Time from an event being recorded to a consumer applying it',
    unit: 's',
    advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
  });
  const revocation = meter.createHistogram('grantline_revocation_visible_seconds', {
    description: 'Time from a revocation being accepted to it being visible on every replica',
    unit: 's',
    advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
  });
  const rebuilds = meter.createHistogram('grantline_projection_rebuild_seconds', {
    description: 'Projection rebuilds after the store lost data or went back in time, and how long each took',
    unit: 's',
  });
  return {
    metrics: {
      requestFinished: (route, status, seconds) => duration.record(seconds, { service, route, status }),
      tokenIssued: (grantType) => issued.add(1, { service, grant_type: grantType }),
      eventApplied: (consumer, eventType, seconds) => lag.record(seconds, { consumer, event_type: eventType }),
      revocationVisible: (seconds) => revocation.record(seconds, { service }),
      projectionRebuilt: (reason, seconds) => rebuilds.record(seconds, { reason }),
    },
    metricsHandler: (request, response) => exporter.getMetricsRequestHandler(request, response),
    tracing,
    shutdown: async () => {
      await Promise.all([provider.shutdown(), tracing.shutdown()]);
    },
  };
}
