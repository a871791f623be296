import { Router } from 'express';
import { z } from 'zod';
import { grantlineEventSchema } from '@grantline/lib-events';
import type { AuditStore } from '@grantline/lib-projections';
import type { Logger } from '@grantline/lib-http';

const eventTypes = grantlineEventSchema.options.map((option) => option.shape.type.value);

const auditQuerySchema = z
  .object({
    client_id: z.string().min(1).optional(),
    subject: z.string().min(1).optional(),
    type: z.enum(eventTypes as [string, ...string[]]).optional(),
    since: z.string().datetime().optional(),
    until: z.string().datetime().optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** GET /admin/audit: the audit projection, queried by client, subject, event type and time. */
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
      const entries = await audit.find({
        ...(query.client_id ? { clientId: query.client_id } : {}),
        ...(query.subject ? { subject: query.subject } : {}),
        ...(query.type ? { type: query.type as AuditTypes } : {}),
        ...(query.since ? { from: new Date(query.since) } : {}),
        ...(query.until ? { to: new Date(query.until) } : {}),
        limit: query.limit,
      });
      res.set('Cache-Control', 'no-store').json({
        entries: entries.map((entry) => ({
          event_id: entry.eventId,
          type: entry.type,
          occurred_at: entry.occurredAt.toISOString(),
          client_id: entry.clientId,
          subject: entry.subject,
          request_id: entry.causationId,
          traceparent: entry.traceparent,
          data: entry.event.data,
        })),
      });
    } catch (error) {
      logger.error({ err: error }, 'audit query failed');
      res.status(503).json({ error: 'temporarily_unavailable' });
    }
  });
  return router;
}

type AuditTypes = NonNullable<Parameters<AuditStore['find']>[0]['type']>;
