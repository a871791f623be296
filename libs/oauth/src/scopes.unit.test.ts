import { grantScopes, parseScope } from './scopes';

describe('scopes', () => {
  it('splits on spaces, drops duplicates and empty tokens', () => {
    expect(parseScope('read  write read')).toEqual(['read', 'write']);
    expect(parseScope(undefined)).toBeUndefined();
  });

  it.each([['read "x"'], ['a\\b'], ['caf\u00e9']])('refuses the malformed scope %p (RFC 6749 §3.3)', (raw) => {
    expect(() => parseScope(raw)).toThrow(expect.objectContaining({ error: 'invalid_scope' }));
  });

  it('grants what the client may have, defaulting to all its scopes', () => {
    expect(grantScopes(['read'], ['read', 'write'])).toEqual(['read']);
    expect(grantScopes(undefined, ['read', 'write'])).toEqual(['read', 'write']);
    expect(() => grantScopes(['admin'], ['read'])).toThrow(expect.objectContaining({ error: 'invalid_scope' }));
  });
});
