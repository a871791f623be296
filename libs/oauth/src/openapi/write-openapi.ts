import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { openApiDocument } from './openapi-document';

/** `node libs/oauth/dist/openapi/write-openapi.js [file]`: regenerates the published description. */
async function main(): Promise<void> {
  const file = resolve(process.argv[2] ?? 'docs/openapi.json');
  await writeFile(file, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
