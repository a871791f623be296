import { z } from 'zod';

/** W3C trace context carried with every event so a consumer can continue the request's trace. */
export const traceContextSchema = z
  .object({
    traceparent: z.string().optional(),
    tracestate: z.string().optional(),
  })
  .strict();
export type TraceContext = z.infer<typeof traceContextSchema>;

export const aggregateTypes = [
  'client',
  'resource',
  'token',
  'user',
  'consent',
  'grant',
  'sign-in',
  'device',
  'personal-access-token',
  'session',
] as const;
export const aggregateSchema = z.object({
  type: z.enum(aggregateTypes),
  id: z.string().min(1),
});
export type Aggregate = z.infer<typeof aggregateSchema>;

/** Fields every event shares, whatever its payload. */
export const envelopeFields = {
  eventId: z.string().uuid(),
  occurredAt: z.string().datetime(),
  aggregate: aggregateSchema,
  traceContext: traceContextSchema.default({}),
  /** The id of the HTTP request (or CLI invocation) that caused the event. */
  causationId: z.string().optional(),
};

/**
 * What every event on the wire has, whatever its type and version: all a consumer may rely on
 * for a type or version it does not know yet.
 */
export const eventEnvelopeSchema = z.object({
  ...envelopeFields,
  /** The version of the event type's shape; a breaking change to a type raises it. */
  version: z.number().int().positive(),
  type: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
});
