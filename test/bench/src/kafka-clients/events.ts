import { randomUUID } from 'node:crypto';
import type { BenchRecord } from './adapter';

/** 32 random hex digits, from randomUUID (which draws from a cached pool, far cheaper than randomBytes). */
function hex32(): string {
  return randomUUID().replaceAll('-', '');
}

const SCOPES = ['openid', 'profile', 'email', 'offline_access', 'api:read', 'api:write'];

/**
 * A token-issued event shaped like the token service's (about 600 bytes of JSON): a fresh
 * aggregate id per event, used as the message key, and a traceparent header.
 */
export function tokenIssuedRecord(sequence: number): BenchRecord {
  const tokenId = randomUUID();
  const traceparent = `00-${hex32()}-${hex32().slice(0, 16)}-01`;
  const now = Date.now();
  const event = {
    eventId: randomUUID(),
    type: 'token.issued',
    version: 1,
    aggregate: { type: 'token', id: tokenId },
    occurredAt: new Date(now).toISOString(),
    traceContext: { traceparent },
    payload: {
      tokenId,
      clientId: `client-${sequence % 97}`,
      subject: `user-${sequence % 10_007}`,
      grantType: 'client_credentials',
      scopes: SCOPES,
      audience: ['https://api.example.com'],
      issuedAt: Math.floor(now / 1000),
      expiresAt: Math.floor(now / 1000) + 3600,
      dpopJkt: hex32(),
    },
  };
  return { key: tokenId, value: JSON.stringify(event), traceparent };
}

/**
 * Records built ahead of time and handed out in turn, so the appenders' CPU is the client's work
 * and the queue's, not building events (about 10 µs each here).
 */
export class RecordPool {
  private readonly records: BenchRecord[];
  private next = 0;

  constructor(size: number) {
    this.records = Array.from({ length: size }, (_, index) => tokenIssuedRecord(index));
  }

  take(): BenchRecord {
    const record = this.records[this.next] as BenchRecord;
    this.next = (this.next + 1) % this.records.length;
    return record;
  }

  averageValueBytes(): number {
    return this.records.reduce((sum, record) => sum + Buffer.byteLength(record.value), 0) / this.records.length;
  }
}
