import { refusedJsonMember } from './strict-json';

describe('refusedJsonMember', () => {
  it.each([
    ['a repeated member at the top level', '{"name":"a","name":"b"}', 'name'],
    ['a repeated member in a nested object', '{"scopes":["read"],"x":{"a":1,"a":2}}', 'a'],
    ['a repeated member in an object inside an array', '[{"a":1},{"b":{"c":true,"c":null}}]', 'c'],
    ['the same name spelled with an escape', '{"name":"a","n\\u0061me":"b"}', 'name'],
    ['a repeated member after whitespace and nesting', '{ "a" : [ 1 , { } ] ,\n "a" : 2 }', 'a'],
  ])('refuses %s', (_case, text, name) => {
    expect(refusedJsonMember(text)).toEqual({ name, reason: 'repeated' });
  });

  it.each([
    ['at the top level', '{"__proto__":{"admin":true}}'],
    ['nested', '{"x":{"__proto__":{}}}'],
    ['spelled with an escape', '{"\\u005f_proto__":{}}'],
  ])('refuses a __proto__ member %s', (_case, text) => {
    expect(refusedJsonMember(text)).toEqual({ name: '__proto__', reason: 'forbidden' });
  });

  it.each([
    ['distinct members', '{"name":"ci","scopes":["read","write"],"expires_in":3600}'],
    ['the same name in sibling objects', '[{"a":1},{"a":2}]'],
    ['the same name at different depths', '{"a":{"a":{"a":1}}}'],
    ['a value that repeats a member name', '{"a":"a","b":["a","a"]}'],
    ['names that differ only by case', '{"a":1,"A":2}'],
    ['escaped quotes and braces inside strings', '{"a":"\\"}{,\\"a\\":","b":"\\\\","c":1}'],
    ['a name ending in an escaped backslash', '{"a\\\\":1,"a":2}'],
    ['scalars and empty containers', '[1,"x",true,null,{},[]]'],
    ['an empty body', ''],
  ])('accepts %s', (_case, text) => {
    expect(refusedJsonMember(text)).toBeUndefined();
  });

  it.each([['{"a":1,"a'], ['{"a":"unterminated'], ['}}]]{{"a":'], ['{"a\\']])(
    'ends quietly on malformed text %s',
    (text) => {
      expect(() => refusedJsonMember(text)).not.toThrow();
    },
  );

  it('takes time in proportion to the text, however deep or full of escapes', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(refusedJsonMember(deep)).toBeUndefined();
    const escapes = `["${'\\\\'.repeat(50_000)}${'\\"'.repeat(50_000)}"]`;
    expect(JSON.parse(escapes)).toHaveLength(1);
    expect(refusedJsonMember(escapes)).toBeUndefined();
  });
});
