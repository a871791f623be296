import { createHash } from 'node:crypto';

/** Hex digits of the SHA-256 a checksum keeps: enough to tell contents apart, short enough to read. */
const CHECKSUM_LENGTH = 16;

/** One keyspace's checksum as the log implies it and as the live store holds it. */
export interface KeyspaceChecksum {
  expected: string;
  actual: string;
  /** Entries the log implies. */
  count: number;
  matches: boolean;
}

/** The (id, value) pairs of one keyspace, as the log implies them and as the live store holds them. */
export interface KeyspaceContents {
  expected: ReadonlyMap<string, unknown>;
  actual: ReadonlyMap<string, unknown>;
}

/**
 * JSON with every object's keys sorted, so equal values serialise alike whatever order their
 * properties were set in. Arrays keep their order; what JSON drops (undefined, functions) it drops.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return canonicalJson(json.call(value));
  if (Array.isArray(value)) return `[${value.map((item: unknown) => canonicalJson(item)).join(',')}]`;
  const members = Object.entries(value)
    .filter(([, item]) => item !== undefined && typeof item !== 'function')
    .sort(([a], [b]) => compareIds(a, b))
    .map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`);
  return `{${members.join(',')}}`;
}

/**
 * SHA-256 (hex, first 16 digits) over the canonical JSON of the pairs sorted by id, as
 * `[[id,value],…]`: the same contents give the same checksum whatever order they were read in.
 */
export function checksumOf(entries: ReadonlyMap<string, unknown>): string {
  const hash = createHash('sha256');
  hash.update('[');
  [...entries.keys()].sort(compareIds).forEach((id, index) => {
    hash.update(`${index === 0 ? '' : ','}[${JSON.stringify(id)},${canonicalJson(entries.get(id))}]`);
  });
  hash.update(']');
  return hash.digest('hex').slice(0, CHECKSUM_LENGTH);
}

/** The checksum of a set of ids: each id paired with `true`. */
export function checksumOfIds(ids: Iterable<string>): string {
  return checksumOf(new Map([...ids].map((id) => [id, true])));
}

/** Checksums both sides of a keyspace. */
export function compareKeyspace({ expected, actual }: KeyspaceContents): KeyspaceChecksum {
  const expectedChecksum = checksumOf(expected);
  const actualChecksum = checksumOf(actual);
  return {
    expected: expectedChecksum,
    actual: actualChecksum,
    count: expected.size,
    matches: expectedChecksum === actualChecksum,
  };
}

/** Orders by UTF-16 code units, the same on every machine and locale. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
