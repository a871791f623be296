import type { GrantlineEvent } from '@grantline/lib-events';
import { sampleEvents } from '@grantline/lib-events/testing';
import { decodeRecord, DETAIL_LIMIT } from './record-decoding';

const [event] = sampleEvents({ now: () => new Date('2026-03-01T12:00:00.000Z') }) as [GrantlineEvent];
const secret = 'very-secret-value';

describe('decodeRecord', () => {
  it('reads an event of the catalogue', () => {
    expect(decodeRecord(Buffer.from(JSON.stringify(event)))).toEqual({ readable: true, event });
  });

  it.each([
    ['text that is not JSON', Buffer.from(`token=${secret}`)],
    ['bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0x7b])],
    ['nothing at all', Buffer.alloc(0)],
  ])('calls %s not_json, without quoting it', (_, value) => {
    const decoded = decodeRecord(value);
    expect(decoded).toEqual({ readable: false, reason: 'not_json', detail: 'the value is not UTF-8 JSON' });
  });

  it('names the fields the catalogue refuses, not their values', () => {
    const decoded = decodeRecord(Buffer.from(JSON.stringify({ ...event, eventId: secret, occurredAt: 7 })));
    expect(decoded).toMatchObject({ readable: false, reason: 'invalid_event' });
    const detail = decoded.readable ? '' : decoded.detail;
    expect(detail).toMatch(/^eventId: .+; occurredAt: .+/);
    expect(detail).not.toContain(secret);
  });

  it('calls JSON of no known event type invalid_event', () => {
    expect(decodeRecord(Buffer.from('{"type":"SomethingElse"}'))).toMatchObject({ reason: 'invalid_event' });
  });

  it('keeps the detail within its limit', () => {
    const noise = Object.fromEntries(Array.from({ length: 200 }, (_, index) => [`field${index}`, 1]));
    const decoded = decodeRecord(Buffer.from(JSON.stringify({ ...event, data: noise })));
    const detail = decoded.readable ? '' : decoded.detail;
    expect(detail.length).toBeLessThanOrEqual(DETAIL_LIMIT);
  });
});
