import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { format } from 'prettier/standalone';
import * as babel from 'prettier/plugins/babel';
import * as estree from 'prettier/plugins/estree';
import { auditStreamSchemas } from './json-schemas';

/** Every published schema file ends so; other files in the folder are not ours. */
export const SCHEMA_FILE_SUFFIX = '.schema.json';

/**
 * The schema files as they are committed, by file name, formatted as the repository's
 * .prettierrc formats JSON (so `prettier --check` passes on them). Prettier's standalone build
 * needs no dynamic import, so the check runs inside jest too.
 */
export async function renderSchemaFiles(): Promise<Map<string, string>> {
  const rendered = new Map<string, string>();
  for (const [name, schema] of auditStreamSchemas()) {
    const text = await format(JSON.stringify(schema), { parser: 'json', printWidth: 120, plugins: [babel, estree] });
    rendered.set(name, text);
  }
  return rendered;
}

/** Writes the schema files into `directory` and removes schema files no event type has any longer. */
export async function writeSchemaFiles(directory: string): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const rendered = await renderSchemaFiles();
  for (const name of await readdir(directory)) {
    if (name.endsWith(SCHEMA_FILE_SUFFIX) && !rendered.has(name)) await rm(join(directory, name));
  }
  for (const [name, text] of rendered) await writeFile(join(directory, name), text);
  return [...rendered.keys()];
}
