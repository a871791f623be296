import { randomUUID } from 'node:crypto';
import {
  context as otelContext,
  defaultTextMapGetter,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { instrumentLibraries } from './library-instrumentation';

/** The span of one HTTP request; events the request causes carry its `traceparent`. */
export interface RequestSpan {
  traceId: string;
  traceparent: string;
  end(status: number): void;
}

export interface Tracing {
  startRequest(name: string, incomingTraceparent: string | string[] | undefined): RequestSpan;
  /**
   * Runs a consumer's work on a batch of events as one span: it continues the trace that
   * recorded the first event and links the traces of the others.
   */
  inEvents<T>(name: string, traceparents: ReadonlyArray<string | undefined>, work: () => Promise<T>): Promise<T>;
  /** Runs an append of `count` events to the log as a producer span under the active span. */
  producing<T>(name: string, count: number, work: () => Promise<T>): Promise<T>;
  shutdown(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function parentContext(traceparent: string | string[] | undefined): Context {
  return typeof traceparent === 'string'
    ? propagator.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter)
    : ROOT_CONTEXT;
}

/**
 * Spans recorded by `processor`. A request span is the HTTP instrumentation's server span when
 * one is active (spans exported to a collector), named and given its route here; otherwise it
 * is a span of our own.
 */
export function createTracing(service: string, processor: SpanProcessor): Tracing {
  return tracingWith(service, providerOf(service, processor));
}

function providerOf(service: string, processor: SpanProcessor): TracerProvider {
  return new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [processor],
  });
}

function tracingWith(service: string, provider: TracerProvider): Tracing {
  const tracer: Tracer = provider.getTracer('grantline', '0.1.0');
  return {
    startRequest(name, incoming) {
      const active = trace.getActiveSpan();
      const adopted = active?.isRecording() ? active : undefined;
      adopted?.updateName(name);
      const span =
        adopted ??
        tracer.startSpan(
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
          // The instrumentation ends its own span when the response is finished.
          if (!adopted) span.end();
        },
      };
    },
    async inEvents(name, traceparents, work) {
      const links = traceparents.slice(1).flatMap((traceparent) => {
        const linked = trace.getSpanContext(parentContext(traceparent));
        return linked ? [{ context: linked }] : [];
      });
      const span = tracer.startSpan(
        name,
        {
          kind: SpanKind.CONSUMER,
          attributes: { 'service.name': service, 'messaging.batch.message_count': traceparents.length },
          links,
        },
        parentContext(traceparents[0]),
      );
      return within(span, ROOT_CONTEXT, work);
    },
    async producing(name, count, work) {
      const span = tracer.startSpan(name, {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.batch.message_count': count,
        },
      });
      return within(span, otelContext.active(), work);
    },
    shutdown: () => provider.shutdown(),
  };
}

/** Runs `work` with `span` active (under `parent`), ending it after; a failure marks it an error. */
async function within<T>(span: Span, parent: Context, work: () => Promise<T>): Promise<T> {
  try {
    return await otelContext.with(trace.setSpan(parent, span), work);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

let registeredGlobally = false;

/**
 * Spans exported over OTLP/HTTP, batched off the hot path. The first such provider of the
 * process becomes the global one, with an AsyncLocalStorage context, so that the library
 * instrumentations' spans (HTTP server and client, Redis, MongoDB) nest under the request or
 * consumer span that caused them.
 */
export function otlpTracing(service: string, endpoint: string): Tracing {
  const url = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  const provider = providerOf(service, new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }) }));
  if (!registeredGlobally) {
    registeredGlobally = true;
    otelContext.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(propagator);
    trace.setGlobalTracerProvider(provider);
    instrumentLibraries();
  }
  return tracingWith(service, provider);
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
  inEvents: (_name, _traceparents, work) => work(),
  producing: (_name, _count, work) => work(),
  shutdown: async () => undefined,
};

function hex(uuid: string): string {
  return uuid.replace(/-/g, '');
}
