// Validates Grantline events against the JSON Schemas published in docs/audit-stream/schemas.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * Loads every `*.schema.json` of `directory`. `check(value)` answers one of:
 *   { status: 'valid', event }          the event's own type and version schema accepts it
 *   { status: 'unknown', event }        a type or version this copy of the schemas does not know:
 *                                       only the envelope was checked (newer Grantline; update the schemas)
 *   { status: 'invalid', errors }       not a Grantline event at all
 */
export function loadEventValidator(directory) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const byFile = new Map();
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.schema.json'))) {
    byFile.set(file, ajv.compile(JSON.parse(readFileSync(join(directory, file), 'utf8'))));
  }
  const envelope = byFile.get('envelope.schema.json');
  if (!envelope) throw new Error(`no envelope.schema.json in ${directory}`);
  return {
    check(value) {
      if (!envelope(value)) return { status: 'invalid', errors: ajv.errorsText(envelope.errors) };
      const own = byFile.get(`${value.type}.v${value.version}.schema.json`);
      if (!own) return { status: 'unknown', event: value };
      if (!own(value)) return { status: 'invalid', errors: ajv.errorsText(own.errors) };
      return { status: 'valid', event: value };
    },
  };
}
