import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderSchemaFiles, SCHEMA_FILE_SUFFIX } from './json-schema-files';

const committed = join(__dirname, '..', '..', '..', 'docs', 'audit-stream', 'schemas');
const regenerate = 'the committed schemas differ from the event catalogue: run `npm run audit:schemas` and commit';

describe('the committed audit stream schemas', () => {
  it('are exactly the files the catalogue generates, no more and no fewer', async () => {
    const rendered = await renderSchemaFiles();
    const present = (await readdir(committed)).filter((name) => name.endsWith(SCHEMA_FILE_SUFFIX)).sort();
    expect({ files: present, hint: regenerate }).toEqual({ files: [...rendered.keys()].sort(), hint: regenerate });
  });

  it('have the content the catalogue generates', async () => {
    const rendered = await renderSchemaFiles();
    for (const [name, text] of rendered) {
      const onDisk = await readFile(join(committed, name), 'utf8').catch(() => '(missing)');
      expect({ name, text: onDisk, hint: regenerate }).toEqual({ name, text, hint: regenerate });
    }
  });
});
