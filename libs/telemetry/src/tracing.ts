import { randomUUID } from 'node:crypto';
import {
  context as otelContext,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';

/** The span of one HTTP request; events the request causes carry its `traceparent`. */
export interface RequestSpan {
  traceId: string;
  traceparent: string;
  end(status: number): void;
}

export interface Tracing {
  startRequest(name: string, incomingTraceparent: string | string[] | undefined): RequestSpan;
  /** Runs a consumer's work on one event as a span continuing the trace that recorded it. */
  inEvent<T>(name: string, traceparent: string | undefined, work: () => Promise<T>): Promise<T>;
  shutdown(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function parentContext(traceparent: string | string[] | undefined): Context {
  return typeof traceparent === 'string'
    ? propagator.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter)
    : ROOT_CONTEXT;
}

/** Spans exported to an OpenTelemetry collector (OTLP over HTTP), batched off the hot path. */
export function createTracing(service: string, processor: SpanProcessor): Tracing {
  const provider = new TracerProvider({ spanProcessors: [processor] });
  const tracer: Tracer = provider.getTracer('grantline', '0.1.0');
  return {
    startRequest(name, incoming) {
      const span = tracer.startSpan(
        name,
        { kind: SpanKind.SERVER, attributes: { 'service.name': service } },
        parentContext(incoming),
      );
      const { traceId, spanId, traceFlags } = span.spanContext();
      return {
        traceId,
        traceparent: `00-${traceId}-${spanId}-0${traceFlags & 1}`,
        end(status) {
          span.setAttribute('http.response.status_code', status);
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        },
      };
    },
    async inEvent(name, traceparent, work) {
      const span = tracer.startSpan(
        name,
        { kind: SpanKind.CONSUMER, attributes: { 'service.name': service } },
        parentContext(traceparent),
      );
      try {
        return await otelContext.with(trace.setSpan(ROOT_CONTEXT, span), work);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
    shutdown: () => provider.shutdown(),
  };
}

export function otlpTracing(service: string, endpoint: string): Tracing {
  return createTracing(
    service,
    new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }) }),
  );
}

/**
 * Without a collector no spans are recorded, but every request still continues or starts a
 * W3C trace so events and logs stay traceable. randomUUID draws from a pooled buffer.
 */
export const propagationOnly: Tracing = {
  startRequest(_name, incoming) {
    const match = typeof incoming === 'string' ? TRACEPARENT.exec(incoming) : null;
    const traceId = match?.[1] && !/^0+$/.test(match[1]) ? match[1] : hex(randomUUID());
    const flags = match?.[3] ?? '01';
    return { traceId, traceparent: `00-${traceId}-${hex(randomUUID()).slice(0, 16)}-${flags}`, end: () => undefined };
  },
  inEvent: (_name, _traceparent, work) => work(),
  shutdown: async () => undefined,
};

function hex(uuid: string): string {
  return uuid.replace(/-/g, '');
}
