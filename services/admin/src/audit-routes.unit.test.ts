import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { stampEvent, type AnyEventDraft, type GrantlineEvent } from '@grantline/lib-events';
import { createLogger } from '@grantline/lib-http';
import { MemoryAuditStore } from '@grantline/lib-projections';
import { auditRoutes } from './audit-routes';

const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE_B = '0af7651916cd43dd8448eb211c80319c';
const EXPIRES = 1_767_229_200;

function recorded(draft: AnyEventDraft, at: string, traceId: string): GrantlineEvent {
  return stampEvent(draft, {
    now: () => new Date(at),
    traceContext: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    causationId: `request-${traceId.slice(0, 4)}`,
  });
}

const issued = recorded(
  {
    type: 'AccessTokenIssued',
    aggregate: { type: 'token', id: 'jti-1' },
    data: {
      jti: 'jti-1',
      clientId: 'billing',
      subject: 'alice',
      scope: 'read',
      grantType: 'client_credentials',
      issuedAt: EXPIRES - 60,
      expiresAt: EXPIRES,
    },
  },
  '2026-03-01T10:00:00.000Z',
  TRACE_A,
);
const signedIn = recorded(
  {
    type: 'SignInSucceeded',
    aggregate: { type: 'sign-in', id: 'sign-in-1' },
    data: { clientId: 'spa', remoteAddress: '127.0.0.1', userId: 'alice' },
  },
  '2026-03-01T11:00:00.000Z',
  TRACE_A,
);
const revoked = recorded(
  {
    type: 'AccessTokenRevoked',
    aggregate: { type: 'token', id: 'jti-1' },
    data: { jti: 'jti-1', clientId: 'billing', expiresAt: EXPIRES, revokedBy: 'billing' },
  },
  '2026-03-01T12:00:00.000Z',
  TRACE_B,
);

let server: Server;
let base: string;

beforeAll(async () => {
  const audit = new MemoryAuditStore();
  await audit.recordAll(
    [issued, signedIn, revoked].map((event, index) => ({
      event,
      position: { stream: 'tokens', partition: 0, offset: String(index) },
    })),
  );
  const app = express().use(auditRoutes(audit, createLogger('admin', 'silent')));
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function query(parameters: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/admin/audit?${new URLSearchParams(parameters)}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function idsOf(parameters: Record<string, string>): Promise<string[]> {
  const { status, body } = await query(parameters);
  expect(status).toBe(200);
  return (body.entries as Array<{ event_id: string }>).map((entry) => entry.event_id);
}

describe('GET /admin/audit', () => {
  it.each([
    ['no filter', {}, [issued, signedIn, revoked]],
    ['client_id', { client_id: 'billing' }, [issued, revoked]],
    ['subject', { subject: 'alice' }, [issued, signedIn]],
    ['trace_id', { trace_id: TRACE_A }, [issued, signedIn]],
    ['another trace_id', { trace_id: TRACE_B }, [revoked]],
    ['an unknown trace_id', { trace_id: 'f'.repeat(32) }, []],
    ['type', { type: 'AccessTokenRevoked' }, [revoked]],
    ['since (inclusive)', { since: '2026-03-01T11:00:00Z' }, [signedIn, revoked]],
    ['until (inclusive)', { until: '2026-03-01T11:00:00Z' }, [issued, signedIn]],
    ['since and until', { since: '2026-03-01T10:30:00Z', until: '2026-03-01T11:30:00Z' }, [signedIn]],
    ['limit', { limit: '2' }, [issued, signedIn]],
    ['trace_id and type', { trace_id: TRACE_A, type: 'SignInSucceeded' }, [signedIn]],
  ])('filters by %s, oldest first', async (_, parameters, expected) => {
    expect(await idsOf(parameters)).toEqual(expected.map((event) => event.eventId));
  });

  it('names the trace and the request of each entry', async () => {
    const { body } = await query({ trace_id: TRACE_B });
    expect(body.entries).toEqual([
      expect.objectContaining({
        event_id: revoked.eventId,
        type: 'AccessTokenRevoked',
        client_id: 'billing',
        trace_id: TRACE_B,
        traceparent: `00-${TRACE_B}-00f067aa0ba902b7-01`,
        request_id: 'request-0af7',
      }),
    ]);
  });

  it.each([
    ['a trace id in upper case', { trace_id: TRACE_A.toUpperCase() }],
    ['a trace id too short', { trace_id: TRACE_A.slice(1) }],
    ['a whole traceparent', { trace_id: `00-${TRACE_A}-00f067aa0ba902b7-01` }],
    ['the all-zero trace id', { trace_id: '0'.repeat(32) }],
    ['an unknown event type', { type: 'NoSuchEvent' }],
    ['a time that is not ISO 8601', { since: 'yesterday' }],
    ['a limit above 1000', { limit: '1001' }],
    ['a parameter it does not know', { trace: TRACE_A }],
  ])('answers 400 invalid_request for %s', async (_, parameters) => {
    const { status, body } = await query(parameters);
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_request');
  });

  it('refuses a repeated trace_id', async () => {
    const response = await fetch(`${base}/admin/audit?trace_id=${TRACE_A}&trace_id=${TRACE_B}`);
    expect(response.status).toBe(400);
  });
});
