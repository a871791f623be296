import { OAuthError } from '../errors';
import { checkRequestedScopes } from './pat-decisions';
import { creationInputSchema, parseCreationInput } from './pat-input';

const limits = { maxTtlSeconds: 86_400, defaultTtlSeconds: 3_600 };
const parse = (body: unknown) => parseCreationInput(body, limits);

function refusal(run: () => unknown): { error: string; status: number; description: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof OAuthError) {
      return { error: error.error, status: error.status, description: error.error_description };
    }
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('personal access token creation input', () => {
  it('trims the name, dedupes scopes and defaults the lifetime', () => {
    expect(parse({ name: '  CI token ', scopes: ['read', 'write', 'read'] })).toEqual({
      name: 'CI token',
      scopes: ['read', 'write'],
      expiresInSeconds: 3_600,
    });
  });

  it.each([
    ['an array', ['read', 'write']],
    ['a space-delimited string (RFC 6749 §3.3)', 'read  write'],
  ])('accepts scopes as %s', (_label, scopes) => {
    expect(parse({ name: 'n', scopes }).scopes).toEqual(['read', 'write']);
  });

  it('accepts no scopes, an explicit lifetime and a null one', () => {
    expect(parse({ name: 'n', scopes: [], expires_in: 86_400 })).toMatchObject({
      scopes: [],
      expiresInSeconds: 86_400,
    });
    expect(parse({ name: 'n', scopes: '', expires_in: null }).expiresInSeconds).toBe(3_600);
  });

  it('keeps printable Unicode in names', () => {
    expect(parse({ name: 'Déploiement — 東京', scopes: [] }).name).toBe('Déploiement — 東京');
  });

  it.each([
    ['a missing name', { scopes: [] }, 'invalid_request', 'name'],
    ['a blank name', { name: '   ', scopes: [] }, 'invalid_request', 'name'],
    ['a name of 101 characters', { name: 'x'.repeat(101), scopes: [] }, 'invalid_request', 'name'],
    ['a NUL in the name', { name: 'a\u0000b', scopes: [] }, 'invalid_request', 'name'],
    ['a newline in the name', { name: 'a\nb', scopes: [] }, 'invalid_request', 'name'],
    ['a right-to-left override in the name', { name: 'a\u202eb', scopes: [] }, 'invalid_request', 'name'],
    ['a number as the name', { name: 7, scopes: [] }, 'invalid_request', 'name'],
    ['missing scopes', { name: 'n' }, 'invalid_scope', 'scopes'],
    ['a scope with a space in an array', { name: 'n', scopes: ['read write'] }, 'invalid_scope', 'scopes'],
    ['a scope with a quote', { name: 'n', scopes: ['re"ad'] }, 'invalid_scope', 'scopes'],
    ['a scope with a backslash', { name: 'n', scopes: 'a\\b' }, 'invalid_scope', 'scopes'],
    ['a non-ASCII scope', { name: 'n', scopes: ['lecture'.replace('e', 'é')] }, 'invalid_scope', 'scopes'],
    ['an empty scope in an array', { name: 'n', scopes: [''] }, 'invalid_scope', 'scopes'],
    ['expires_in of zero', { name: 'n', scopes: [], expires_in: 0 }, 'invalid_request', 'expires_in'],
    ['a negative expires_in', { name: 'n', scopes: [], expires_in: -5 }, 'invalid_request', 'expires_in'],
    ['a fractional expires_in', { name: 'n', scopes: [], expires_in: 1.5 }, 'invalid_request', 'expires_in'],
    ['expires_in above the maximum', { name: 'n', scopes: [], expires_in: 86_401 }, 'invalid_request', 'expires_in'],
    ['expires_in as a string', { name: 'n', scopes: [], expires_in: '60' }, 'invalid_request', 'expires_in'],
    ['an unknown field', { name: 'n', scopes: [], owner: 'x' }, 'invalid_request', 'body'],
    ['an array body', [], 'invalid_request', 'body'],
    ['no body', undefined, 'invalid_request', 'body'],
  ])('refuses %s', (_label, body, error, field) => {
    const refused = refusal(() => parse(body));
    expect(refused).toMatchObject({ error, status: 400 });
    expect(refused.description.startsWith(field === 'body' ? '' : `${field}:`)).toBe(true);
  });

  it('names the maximum lifetime when expires_in exceeds it', () => {
    expect(refusal(() => parse({ name: 'n', scopes: [], expires_in: 90_000 })).description).toContain('86400');
  });

  it('is the same schema the admin API parses with', () => {
    expect(creationInputSchema(limits).safeParse({ name: '', scopes: [] }).success).toBe(false);
  });
});

describe('requested scopes (RFC 6749 §3.3)', () => {
  const offered = ['read', 'write', 'admin'];

  it.each([
    ['offered scopes within the token', ['read'], ['read', 'write']],
    ['the token-management scope when the token has it', ['personal-access-tokens'], ['personal-access-tokens']],
    ['no scopes at all', [], ['read']],
  ])('allows %s', (_label, requested, presented) => {
    expect(() => checkRequestedScopes(requested, offered, presented)).not.toThrow();
  });

  it('lets an operator grant any offered scope and the token-management scope', () => {
    expect(() => checkRequestedScopes(['admin', 'personal-access-tokens'], offered)).not.toThrow();
  });

  it.each([
    ['a scope no client offers', ['read', 'billing'], ['read'], 'billing'],
    ['a scope beyond the presented token', ['read', 'admin'], ['read', 'write'], 'admin'],
    ['the token-management scope the token lacks', ['personal-access-tokens'], ['read'], 'personal-access-tokens'],
  ])('refuses %s, naming it', (_label, requested, presented, named) => {
    const refused = refusal(() => checkRequestedScopes(requested, offered, presented));
    expect(refused).toMatchObject({ error: 'invalid_scope', status: 400 });
    expect(refused.description).toContain(named);
    expect(refused.description).not.toContain('read');
  });
});
