import { createHash } from 'node:crypto';
import { canonicalJson, checksumOf, checksumOfIds, compareKeyspace } from './projection-checksum';

describe('canonicalJson', () => {
  it('sorts the keys of every object, nested ones too, and keeps the order of arrays', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
    expect(canonicalJson({ a: { c: null, d: [3, 1] }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: [3, 1], c: null } }));
  });

  it('serialises what JSON does the way JSON does', () => {
    expect(canonicalJson({ gone: undefined, when: new Date(0), list: [undefined] })).toBe(
      '{"list":[null],"when":"1970-01-01T00:00:00.000Z"}',
    );
    expect(canonicalJson('text')).toBe('"text"');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(undefined)).toBe('null');
  });
});

describe('checksumOf', () => {
  const client = { clientId: 'a', scopes: ['read', 'write'], webOrigins: [] };

  it('is the first 16 hex digits of the SHA-256 of the sorted pairs', () => {
    const sha = createHash('sha256').update('[["a",{"x":1}],["b",2]]').digest('hex');
    expect(
      checksumOf(
        new Map<string, unknown>([
          ['b', 2],
          ['a', { x: 1 }],
        ]),
      ),
    ).toBe(sha.slice(0, 16));
    expect(checksumOf(new Map())).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives the same checksum whatever order the entries and their keys came in', () => {
    const inOrder = new Map<string, unknown>([
      ['a', client],
      ['b', { clientId: 'b' }],
    ]);
    const reversed = new Map<string, unknown>([
      ['b', { clientId: 'b' }],
      ['a', { webOrigins: [], scopes: ['read', 'write'], clientId: 'a' }],
    ]);
    expect(checksumOf(reversed)).toBe(checksumOf(inOrder));
  });

  it.each([
    ['an entry is missing', new Map([['a', client]])],
    [
      'a value is altered',
      new Map<string, unknown>([
        ['a', { ...client, scopes: ['write', 'read'] }],
        ['b', 2],
      ]),
    ],
    [
      'an id is altered',
      new Map<string, unknown>([
        ['a', client],
        ['c', 2],
      ]),
    ],
    [
      'an entry is added',
      new Map<string, unknown>([
        ['a', client],
        ['b', 2],
        ['c', 3],
      ]),
    ],
  ])('changes when %s', (_case, altered) => {
    const original = new Map<string, unknown>([
      ['a', client],
      ['b', 2],
    ]);
    expect(checksumOf(altered)).not.toBe(checksumOf(original));
  });
});

describe('checksumOfIds', () => {
  it('depends on the set of ids only', () => {
    expect(checksumOfIds(['b', 'a', 'c'])).toBe(checksumOfIds(new Set(['c', 'a', 'b'])));
    expect(checksumOfIds(['a', 'b'])).not.toBe(checksumOfIds(['a', 'b', 'c']));
  });
});

describe('compareKeyspace', () => {
  it('counts the expected entries and tells whether both sides match', () => {
    const expected = new Map<string, unknown>([
      ['a', 1],
      ['b', 2],
    ]);
    expect(compareKeyspace({ expected, actual: new Map([...expected].reverse()) })).toEqual({
      expected: checksumOf(expected),
      actual: checksumOf(expected),
      count: 2,
      matches: true,
    });
    expect(compareKeyspace({ expected, actual: new Map([['a', 1]]) })).toMatchObject({ count: 2, matches: false });
  });
});
