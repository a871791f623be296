import { deflateRawSync } from 'node:zlib';
import { zipEntry } from './zip-entry';

interface Entry {
  name: string;
  data: Buffer;
  deflate: boolean;
}

/** A little-endian record of `size` bytes holding the given [offset, width, value] fields. */
function record(size: number, fields: ReadonlyArray<readonly [number, 2 | 4, number]>): Buffer {
  const buffer = Buffer.alloc(size);
  for (const [offset, width, value] of fields) {
    if (width === 2) buffer.writeUInt16LE(value, offset);
    else buffer.writeUInt32LE(value, offset);
  }
  return buffer;
}

/** A zip archive as the application note lays it out (CRCs left zero: the reader does not check them). */
function zip(entries: Entry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const body = entry.deflate ? deflateRawSync(entry.data) : entry.data;
    const method = entry.deflate ? 8 : 0;
    const local = record(30, [
      [0, 4, 0x04034b50],
      [8, 2, method],
      [18, 4, body.length],
      [22, 4, entry.data.length],
      [26, 2, name.length],
    ]);
    const header = record(46, [
      [0, 4, 0x02014b50],
      [10, 2, method],
      [20, 4, body.length],
      [24, 4, entry.data.length],
      [28, 2, name.length],
      [42, 4, offset],
    ]);
    locals.push(local, name, body);
    central.push(header, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(central);
  const end = record(22, [
    [0, 4, 0x06054b50],
    [8, 2, entries.length],
    [10, 2, entries.length],
    [12, 4, directory.length],
    [16, 4, offset],
  ]);
  return Buffer.concat([...locals, directory, end]);
}

describe('zipEntry', () => {
  const classes = Buffer.from('PK classes '.repeat(200));
  const archive = zip([
    { name: 'AndroidManifest.xml', data: Buffer.from('<manifest/>'), deflate: false },
    { name: 'classes.jar', data: classes, deflate: true },
    { name: 'R.txt', data: Buffer.from(''), deflate: false },
  ]);

  it('takes a deflated entry out by name', () => {
    expect(zipEntry(archive, 'classes.jar').equals(classes)).toBe(true);
  });

  it('takes a stored entry out by name', () => {
    expect(zipEntry(archive, 'AndroidManifest.xml').toString()).toBe('<manifest/>');
  });

  it('says when the entry is missing or the file is no zip', () => {
    expect(() => zipEntry(archive, 'classes.dex')).toThrow('the archive holds no classes.dex');
    expect(() => zipEntry(Buffer.from('plain text'), 'classes.jar')).toThrow('not a zip archive');
  });
});
