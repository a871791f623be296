import { resolve } from 'node:path';
import { writeSchemaFiles } from './json-schema-files';

/** `node libs/events/dist/write-audit-schemas.js [folder]`: regenerates the audit stream's JSON Schemas. */
async function main(): Promise<void> {
  const directory = resolve(process.argv[2] ?? 'docs/audit-stream/schemas');
  const written = await writeSchemaFiles(directory);
  process.stdout.write(`wrote ${written.length} schemas to ${directory}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
