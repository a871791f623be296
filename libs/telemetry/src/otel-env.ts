import { z } from 'zod';

const otelEnvSchema = z.object({
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().optional(),
  OTEL_TRACES_EXPORTER: z.string().optional(),
});

/**
 * Whether spans go to a collector, by the standard variables alone: an OTLP endpoint is set,
 * the SDK is not disabled and the traces exporter is not `none`. Everything else (headers,
 * per-signal endpoints, timeouts) the OpenTelemetry exporters read from the environment themselves.
 */
export function tracesConfigured(env: NodeJS.ProcessEnv): boolean {
  const parsed = otelEnvSchema.safeParse(env);
  if (!parsed.success) return false;
  const {
    OTEL_SDK_DISABLED: disabled,
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_TRACES_EXPORTER: exporter,
  } = parsed.data;
  return disabled !== 'true' && Boolean(endpoint) && exporter !== 'none';
}
