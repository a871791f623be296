export {
  noMetrics,
  type DevicePollAnswer,
  type FailedDependency,
  type GrantlineMetrics,
  type IntrospectionResult,
} from './metrics-port';
export { createTelemetry, type Telemetry } from './otel-metrics';
export { METRICS, prometheusSeries, type MetricKind } from './metric-names';
export { createTracing, otlpTracing, propagationOnly, type RequestSpan, type Tracing } from './tracing';
