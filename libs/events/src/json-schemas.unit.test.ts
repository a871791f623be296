import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { grantlineEventSchema, type GrantlineEvent } from './catalogue';
import { auditStreamSchemas, ENVELOPE_SCHEMA_FILE, eventSchemaFile, UNION_SCHEMA_FILE } from './json-schemas';
import { sampleEvents } from './sample-events';

const schemas = auditStreamSchemas();
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);

function validator(file: string): ValidateFunction {
  const schema = schemas.get(file);
  if (!schema) throw new Error(`no schema ${file}`);
  return ajv.compile(schema);
}

const union = validator(UNION_SCHEMA_FILE);
const envelope = validator(ENVELOPE_SCHEMA_FILE);
const byType = new Map(
  grantlineEventSchema.options.map((option) => [
    option.shape.type.value,
    validator(eventSchemaFile(option.shape.type.value, option.shape.version.value)),
  ]),
);
const events = sampleEvents({
  now: () => new Date('2026-03-01T12:00:00.000Z'),
  traceContext: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  causationId: 'request-1',
});
/** What a consumer reads: the event as the Kafka adapter serialises it. */
const onTheWire = (event: GrantlineEvent): Record<string, unknown> => JSON.parse(JSON.stringify(event));
const errorsOf = (validate: ValidateFunction) => ajv.errorsText(validate.errors);

describe('the generated JSON Schemas', () => {
  it('cover every event type of the catalogue, one file per type and version', () => {
    expect(events.map((event) => event.type).sort()).toEqual([...byType.keys()].sort());
    expect(schemas.size).toBe(byType.size + 2);
  });

  it.each(events.map((event) => [event.type, event] as const))('accept a real %s event', (type, event) => {
    const wire = onTheWire(event);
    const own = byType.get(type);
    expect(own?.(wire) ? 'valid' : errorsOf(own as ValidateFunction)).toBe('valid');
    expect(union(wire) ? 'valid' : errorsOf(union)).toBe('valid');
    expect(envelope(wire) ? 'valid' : errorsOf(envelope)).toBe('valid');
  });

  it('accept what an older writer left out where the catalogue has a default', () => {
    const [registered] = events.filter((event) => event.type === 'ClientRegistered').map(onTheWire);
    const data = registered?.data as { client: Record<string, unknown> };
    for (const field of ['firstParty', 'requireDpop', 'dpopNonce', 'refreshTokens']) delete data.client[field];
    delete registered?.traceContext;
    expect(grantlineEventSchema.safeParse(registered).success).toBe(true);
    expect(union(registered)).toBe(true);
  });

  it('accept members they do not know, as consumers must ignore them', () => {
    const wire = { ...onTheWire(events[0] as GrantlineEvent), addedLater: true };
    expect(union(wire)).toBe(true);
  });

  it.each([
    ['a missing required field', (wire: Record<string, unknown>) => delete (wire.data as Record<string, unknown>).jti],
    [
      'a time with an offset instead of Z',
      (wire: Record<string, unknown>) => (wire.occurredAt = '2026-03-01T12:00:00+01:00'),
    ],
    ['an event id that is not a UUID', (wire: Record<string, unknown>) => (wire.eventId = 'evt-1')],
    [
      'a grant type the catalogue does not know',
      (wire: Record<string, unknown>) => ((wire.data as Record<string, unknown>).grantType = 'password'),
    ],
  ])('refuse %s, like the catalogue', (_, spoil) => {
    const wire = onTheWire(events.find((event) => event.type === 'AccessTokenIssued') as GrantlineEvent);
    spoil(wire);
    expect(grantlineEventSchema.safeParse(wire).success).toBe(false);
    expect(union(wire)).toBe(false);
    expect(byType.get('AccessTokenIssued')?.(wire)).toBe(false);
  });

  it('leave a type or version they do not know to the envelope schema', () => {
    const known = onTheWire(events[0] as GrantlineEvent);
    for (const unknown of [
      { ...known, version: 2 },
      { ...known, type: 'SomethingNew', data: { any: 'thing' } },
    ]) {
      expect(union(unknown)).toBe(false);
      expect(envelope(unknown)).toBe(true);
    }
  });
});
