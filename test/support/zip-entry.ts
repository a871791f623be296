import { inflateRawSync } from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/**
 * One file out of a zip archive (an Android .aar, whose classes.jar Maven cannot unpack), by the
 * layout of the PKWARE application note: the central directory names each entry and where its
 * local header is; the data follows that header, stored or deflated. No ZIP64, no encryption.
 */
export function zipEntry(archive: Buffer, name: string): Buffer {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || archive.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY) throw new Error('not a zip archive');
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  for (let index = 0; index < count; index += 1) {
    if (archive.readUInt32LE(at) !== CENTRAL_DIRECTORY_ENTRY) throw new Error('damaged zip central directory');
    const method = archive.readUInt16LE(at + 10);
    const compressedSize = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const skipped = archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
    const localHeader = archive.readUInt32LE(at + 42);
    if (archive.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      if (archive.readUInt32LE(localHeader) !== LOCAL_FILE_HEADER) throw new Error('damaged zip local header');
      const start = localHeader + 30 + archive.readUInt16LE(localHeader + 26) + archive.readUInt16LE(localHeader + 28);
      const data = archive.subarray(start, start + compressedSize);
      if (method === STORED) return Buffer.from(data);
      if (method === DEFLATED) return inflateRawSync(data);
      throw new Error(`${name} is compressed with method ${method}, which is not supported`);
    }
    at += 46 + nameLength + skipped;
  }
  throw new Error(`the archive holds no ${name}`);
}
