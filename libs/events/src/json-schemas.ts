import { z } from 'zod';
import { grantlineEventSchema } from './catalogue';
import { eventEnvelopeSchema } from './envelope';

export type JsonSchema = { [key: string]: unknown };

/** The union of every event type the catalogue knows, in one file. */
export const UNION_SCHEMA_FILE = 'grantline-event.schema.json';
/** The fields every event has, for types and versions a consumer does not know. */
export const ENVELOPE_SCHEMA_FILE = 'envelope.schema.json';

const GENERATED = 'Generated from the event catalogue (libs/events) by `npm run audit:schemas`; do not edit.';

/** The file that describes one version of one event type, e.g. `AccessTokenRevoked.v1.schema.json`. */
export function eventSchemaFile(type: string, version: number): string {
  return `${type}.v${version}.schema.json`;
}

/**
 * The JSON Schemas (draft 2020-12) of the events as they travel on Kafka, by file name: one per
 * event type and version, the union of them all, and the envelope.
 *
 * They describe the input side of the catalogue: what it accepts when reading the log, which is
 * exactly what older writers may have put there (a field with a default may be missing). They
 * do not forbid unknown members, so a consumer validating with an older copy keeps accepting
 * events that gained optional fields since (docs/audit-stream/README.md, compatibility).
 */
export function auditStreamSchemas(): Map<string, JsonSchema> {
  const files = new Map<string, JsonSchema>();
  for (const option of grantlineEventSchema.options) {
    const type = option.shape.type.value;
    const version = option.shape.version.value;
    files.set(
      eventSchemaFile(type, version),
      published(option, `Grantline event ${type}, version ${version}`, option.description),
    );
  }
  files.set(
    UNION_SCHEMA_FILE,
    published(grantlineEventSchema, 'Any Grantline event', 'Every event type and version this release writes.'),
  );
  files.set(
    ENVELOPE_SCHEMA_FILE,
    published(
      eventEnvelopeSchema,
      'Grantline event envelope',
      'The fields every Grantline event has, whatever its type and version.',
    ),
  );
  return files;
}

function published(schema: z.ZodType, title: string, description: string | undefined): JsonSchema {
  const { $schema, ...rest } = openObjects(
    z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' }),
  ) as JsonSchema;
  return {
    $schema,
    $comment: GENERATED,
    title,
    ...(description ? { description } : {}),
    ...rest,
  } as JsonSchema;
}

/** Drops `additionalProperties: false` everywhere: unknown members are for consumers to ignore. */
function openObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openObjects);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node).filter(([key, value]) => !(key === 'additionalProperties' && value === false));
  return Object.fromEntries(entries.map(([key, value]) => [key, openObjects(value)]));
}
