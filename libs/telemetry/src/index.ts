export { noMetrics, type GrantlineMetrics } from './metrics-port';
export { createTelemetry, type Telemetry } from './otel-metrics';
