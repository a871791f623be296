import { Router } from 'express';
import { z } from 'zod';
import { grantlineEventSchema } from '@grantline/lib-events';
import type { AuditStore } from '@grantline/lib-projections';
import type { Logger } from '@grantline/lib-http';
import { adminErrorBody, errorHeaders, temporarilyUnavailable } from '@grantline/lib-oauth';

const eventTypes = grantlineEventSchema.options.map((option) => option.shape.type.value);

/** W3C Trace Context §3.2.2.3: a trace id is 16 bytes as 32 lowercase hex digits, and not all zeros. */
const traceIdSchema = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'trace_id must be 32 lowercase hex digits')
  .refine((id) => !/^0+$/.test(id), 'trace_id must not be all zeros');

const auditQuerySchema = z
  .object({
    client_id: z.string().min(1).optional(),
    subject: z.string().min(1).optional(),
    trace_id: traceIdSchema.optional(),
    type: z.enum(eventTypes as [string, ...string[]]).optional(),
    since: z.string().datetime().optional(),
    until: z.string().datetime().optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** What the store is asked; `traceId` matches the trace id inside each entry's traceparent. */

/** GET /admin/audit: the audit projection, queried by client, subject, trace, event type and time. */
export function auditRoutes(audit: AuditStore, logger: Logger): Router {
  const router = Router();
  router.get('/admin/audit', async (req, res) => {
    const parsed = auditQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid_request', issues: parsed.error.issues.map((issue) => issue.message) });
      return;
    }
    const query = parsed.data;
    try {
      const filter: Parameters<AuditStore['find']>[0] = {
        ...(query.client_id ? { clientId: query.client_id } : {}),
        ...(query.subject ? { subject: query.subject } : {}),
        ...(query.trace_id ? { traceId: query.trace_id } : {}),
        ...(query.type ? { type: query.type as AuditTypes } : {}),
        ...(query.since ? { from: new Date(query.since) } : {}),
        ...(query.until ? { to: new Date(query.until) } : {}),
        limit: query.limit,
      };
      const entries = await audit.find(filter);
      res.set('Cache-Control', 'no-store').json({
        entries: entries.map((entry) => ({
          event_id: entry.eventId,
          type: entry.type,
          occurred_at: entry.occurredAt.toISOString(),
          client_id: entry.clientId,
          subject: entry.subject,
          request_id: entry.causationId,
          traceparent: entry.traceparent,
          trace_id: traceIdOf(entry.traceparent),
          data: entry.event.data,
        })),
      });
    } catch (error) {
      logger.error({ err: error }, 'audit query failed');
      const unavailable = temporarilyUnavailable('The audit store is unavailable', error);
      res.status(unavailable.status).set(errorHeaders(unavailable)).json(adminErrorBody(unavailable));
    }
  });
  return router;
}

type AuditTypes = NonNullable<Parameters<AuditStore['find']>[0]['type']>;

/** W3C Trace Context §3.2: `version-traceid-parentid-flags`. */
function traceIdOf(traceparent: string | null): string | null {
  return traceparent?.split('-')[1] ?? null;
}
