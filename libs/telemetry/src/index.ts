export { noMetrics, type GrantlineMetrics } from './metrics-port';
export { createTelemetry, type Telemetry } from './otel-metrics';
export { createTracing, otlpTracing, propagationOnly, type RequestSpan, type Tracing } from './tracing';
