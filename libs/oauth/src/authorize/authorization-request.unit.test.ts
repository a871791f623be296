import { createHash } from 'node:crypto';
import { MemoryProjectionStore } from '@grantline/lib-projections';
import { clientRegistered, clientSnapshot } from '@grantline/lib-testing';
import { generateSigningJwk, keyRingFromJwks, type KeyRing } from '@grantline/lib-tokens';
import { projectedClients } from '../clients/client-directory';
import {
  checkAuthorizationRequest,
  type AuthorizationRequestCheck,
  type RequestChannel,
} from './authorization-request';

const challenge = createHash('sha256').update('a-verifier-of-at-least-forty-three-characters-long').digest('base64url');
const REDIRECT = 'https://app.test/cb';
const ISSUER = 'https://grantline.example.test';
const FRONT_CHANNEL = { pushed: false, serverRequiresPush: false } as const;

const base = {
  response_type: 'code',
  client_id: 'app',
  redirect_uri: REDIRECT,
  scope: 'read',
  state: 'st-1',
  code_challenge: challenge,
  code_challenge_method: 'S256',
};

/** The base request with fields replaced, or removed where the value is null. */
function query(overrides: Record<string, string | null> = {}): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...base, ...overrides })) if (value !== null) params.set(name, value);
  return params;
}

describe('checkAuthorizationRequest', () => {
  let store: MemoryProjectionStore;
  let keys: KeyRing;
  const ports = () => ({ store, clients: projectedClients(store), keys, settings: { issuer: ISSUER } });
  const check = (params: URLSearchParams) => checkAuthorizationRequest(params, ports(), ISSUER, FRONT_CHANNEL);
  const expectRedirectError = (result: AuthorizationRequestCheck, error: string, description?: string) => {
    expect(result).toMatchObject({ kind: 'redirect-error', redirectUri: REDIRECT, error: { error } });
    if (description !== undefined && result.kind === 'redirect-error') {
      expect(result.error.error_description).toBe(description);
    }
  };

  beforeAll(async () => {
    keys = await keyRingFromJwks([await generateSigningJwk('k1')]);
  });

  beforeEach(async () => {
    store = new MemoryProjectionStore();
    const clients = [
      clientSnapshot({ clientId: 'app', redirectUris: [REDIRECT], scopes: ['read', 'write'] }),
      clientSnapshot({ clientId: 'two', redirectUris: [REDIRECT, 'https://app.test/other'], scopes: ['read'] }),
      clientSnapshot({ clientId: 'none', redirectUris: [], scopes: ['read'] }),
      clientSnapshot({
        clientId: 'service',
        public: false,
        secretHash: 'scrypt$1$1$1$x$y',
        grantTypes: ['client_credentials'],
        redirectUris: [REDIRECT],
        scopes: ['read'],
      }),
    ];
    for (const [offset, client] of clients.entries()) {
      await store.apply(clientRegistered(client), { partition: 0, offset: String(offset) });
    }
  });

  it('accepts a complete request and returns everything needed to issue a code', async () => {
    const result = await check(query({ prompt: 'consent' }));
    expect(result).toEqual({
      kind: 'valid',
      client: expect.objectContaining({ clientId: 'app' }),
      request: {
        clientId: 'app',
        redirectUri: REDIRECT,
        redirectUriGiven: true,
        scopes: ['read'],
        state: 'st-1',
        codeChallenge: challenge,
        prompts: ['consent'],
        resources: [],
      },
    });
  });

  describe('problems with the client or redirect URI are never redirected', () => {
    it.each([
      ['a missing client_id', { client_id: null }],
      ['an empty client_id', { client_id: '' }],
      ['an unknown client', { client_id: 'nobody' }],
      ['an unregistered redirect_uri', { redirect_uri: 'https://evil.test/cb' }],
      ['a redirect_uri differing by a trailing slash', { redirect_uri: `${REDIRECT}/` }],
      ['an empty redirect_uri', { redirect_uri: '' }],
    ])('%s is fatal', async (_name, overrides) => {
      expect(await check(query(overrides))).toMatchObject({ kind: 'fatal', message: expect.any(String) });
    });

    it('a repeated client_id is fatal, even when both name the client', async () => {
      const params = query();
      params.append('client_id', 'app');
      expect(await check(params)).toMatchObject({ kind: 'fatal' });
    });

    it('a repeated redirect_uri is fatal, even when both are registered', async () => {
      const params = query();
      params.append('redirect_uri', REDIRECT);
      expect(await check(params)).toMatchObject({ kind: 'fatal' });
    });

    it('a missing redirect_uri is fatal when the client registered two', async () => {
      expect(await check(query({ client_id: 'two', redirect_uri: null }))).toMatchObject({ kind: 'fatal' });
    });

    it('a missing redirect_uri is fatal when the client registered none', async () => {
      expect(await check(query({ client_id: 'none', redirect_uri: null }))).toMatchObject({ kind: 'fatal' });
    });

    it('the client and redirect URI are checked before anything else', async () => {
      const result = await check(query({ client_id: 'nobody', response_type: 'token', code_challenge: null }));
      expect(result.kind).toBe('fatal');
      const unregistered = await check(query({ redirect_uri: 'https://evil.test/cb', response_type: 'token' }));
      expect(unregistered.kind).toBe('fatal');
    });
  });

  it('uses the only registered redirect URI when none is given, and says it was not given', async () => {
    const result = await check(query({ redirect_uri: null }));
    expect(result).toMatchObject({ kind: 'valid', request: { redirectUri: REDIRECT, redirectUriGiven: false } });
  });

  it('accepts the second of two registered redirect URIs when named', async () => {
    const result = await check(query({ client_id: 'two', redirect_uri: 'https://app.test/other' }));
    expect(result).toMatchObject({
      kind: 'valid',
      request: { redirectUri: 'https://app.test/other', redirectUriGiven: true },
    });
  });

  describe('other problems are redirected to the verified redirect URI', () => {
    it.each([
      ['a missing code_challenge', { code_challenge: null }, 'invalid_request', 'PKCE code_challenge is required'],
      ['an empty code_challenge', { code_challenge: '' }, 'invalid_request', 'PKCE code_challenge is required'],
      [
        'a missing code_challenge_method',
        { code_challenge_method: null },
        'invalid_request',
        'code_challenge_method must be S256',
      ],
      [
        'the plain code_challenge_method',
        { code_challenge_method: 'plain' },
        'invalid_request',
        'code_challenge_method must be S256',
      ],
      [
        'a lower-case s256 method',
        { code_challenge_method: 's256' },
        'invalid_request',
        'code_challenge_method must be S256',
      ],
      ['a too short code_challenge', { code_challenge: 'abc' }, 'invalid_request', 'code_challenge is malformed'],
      [
        'a code_challenge with padding',
        { code_challenge: `${challenge.slice(0, 42)}=` },
        'invalid_request',
        'code_challenge is malformed',
      ],
      ['a missing response_type', { response_type: null }, 'invalid_request', 'response_type is required'],
      [
        'response_type token',
        { response_type: 'token' },
        'unsupported_response_type',
        'Only response_type=code is supported',
      ],
      [
        'response_type code id_token',
        { response_type: 'code id_token' },
        'unsupported_response_type',
        'Only response_type=code is supported',
      ],
      [
        'a request object',
        { request: 'eyJhbGciOiJub25lIn0.e30.' },
        'request_not_supported',
        'Request objects are not supported',
      ],
      [
        'a request_uri that is not a pushed one',
        { request_uri: 'https://app.test/req' },
        'request_uri_not_supported',
        'request_uri is supported only for pushed authorization requests',
      ],
      [
        'inline registration',
        { registration: '{"client_name":"x"}' },
        'registration_not_supported',
        'The registration parameter is not supported',
      ],
      [
        'an unknown prompt',
        { prompt: 'create' },
        'invalid_request',
        'prompt may hold none, login, consent and select_account',
      ],
      [
        'prompt=none with another value',
        { prompt: 'none login' },
        'invalid_request',
        'prompt=none cannot be combined with other values',
      ],
      [
        'response_mode=fragment',
        { response_mode: 'fragment' },
        'invalid_request',
        'response_mode must be query or form_post',
      ],
      [
        'an unknown response_mode',
        { response_mode: 'jwt' },
        'invalid_request',
        'response_mode must be query or form_post',
      ],
      ['a scope the client may not have', { scope: 'read admin' }, 'invalid_scope', undefined],
      ['a malformed scope', { scope: 'read "quoted"' }, 'invalid_scope', undefined],
    ])('%s → %s', async (_name, overrides, error, description) => {
      const result = await check(query(overrides));
      expectRedirectError(result, error, description);
      expect(result).toMatchObject({ state: 'st-1' });
    });

    it('refuses a request object where it asked to be answered: its response_mode and state stand in for missing ones', async () => {
      const unsigned = (claims: object) =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
      const inObject = unsigned({ response_mode: 'form_post', state: 'st-object', client_id: 'app' });
      const only = await check(query({ request: inObject, state: null, response_mode: null }));
      expectRedirectError(only, 'request_not_supported');
      expect(only).toMatchObject({ responseMode: 'form_post', state: 'st-object' });
      // The query's own parameters win; a mode not offered, or an unreadable object, changes nothing.
      const both = await check(query({ request: inObject, response_mode: 'query' }));
      expect(both).toMatchObject({ responseMode: 'query', state: 'st-1', error: { error: 'request_not_supported' } });
      const fragment = await check(query({ request: unsigned({ response_mode: 'fragment' }), state: null }));
      expect(fragment).toMatchObject({ responseMode: 'query', error: { error: 'request_not_supported' } });
      expect(fragment).not.toHaveProperty('state');
      const garbage = await check(query({ request: 'not-a-jwt' }));
      expect(garbage).toMatchObject({
        responseMode: 'query',
        state: 'st-1',
        error: { error: 'request_not_supported' },
      });
      // The redirect URI is still the registered one the query named, never one from the object.
      const elsewhere = await check(query({ request: unsigned({ redirect_uri: 'https://evil.test/cb' }) }));
      expect(elsewhere).toMatchObject({ redirectUri: REDIRECT });
    });

    it('a client without the authorization_code grant → unauthorized_client', async () => {
      expectRedirectError(await check(query({ client_id: 'service' })), 'unauthorized_client');
    });

    it('the response_type is checked before the client may use the code flow', async () => {
      const result = await check(query({ client_id: 'service', response_type: 'token' }));
      expectRedirectError(result, 'unsupported_response_type');
    });

    it('names the scopes the client may not have', async () => {
      const result = await check(query({ scope: 'read admin root' }));
      expect(result).toMatchObject({ kind: 'redirect-error', error: { error: 'invalid_scope' } });
      if (result.kind === 'redirect-error') expect(result.error.error_description).toContain('admin root');
    });

    it('redirects to the only registered URI when none was given', async () => {
      const result = await check(query({ redirect_uri: null, code_challenge: null }));
      expectRedirectError(result, 'invalid_request', 'PKCE code_challenge is required');
    });

    it('reports a repeated parameter as invalid_request', async () => {
      const params = query();
      params.append('scope', 'write');
      const result = await check(params);
      expectRedirectError(result, 'invalid_request', 'Repeated parameter: scope');
      expect(result).toMatchObject({ state: 'st-1' });
    });

    it('does not echo a repeated state, as it cannot tell which one is meant', async () => {
      const params = query();
      params.append('state', 'st-2');
      const result = await check(params);
      expectRedirectError(result, 'invalid_request', 'Repeated parameter: state');
      expect(result).not.toHaveProperty('state');
    });

    it('omits state from the error when the request had none', async () => {
      const result = await check(query({ state: null, code_challenge: null }));
      expectRedirectError(result, 'invalid_request');
      expect(result).not.toHaveProperty('state');
    });
  });

  describe('state', () => {
    it('is echoed exactly, including characters that need encoding', async () => {
      const state = 'a b&c=d/é+%20';
      expect(await check(query({ state }))).toMatchObject({ kind: 'valid', request: { state } });
    });

    it('is left out when the request had none', async () => {
      const result = await check(query({ state: null }));
      expect(result.kind).toBe('valid');
      if (result.kind === 'valid') expect(result.request).not.toHaveProperty('state');
    });
  });

  describe('scope', () => {
    it('defaults to every scope the client registered', async () => {
      expect(await check(query({ scope: null }))).toMatchObject({
        kind: 'valid',
        request: { scopes: ['read', 'write'] },
      });
    });

    it('drops duplicates and extra spaces', async () => {
      expect(await check(query({ scope: ' write  read write ' }))).toMatchObject({
        kind: 'valid',
        request: { scopes: ['write', 'read'] },
      });
    });

    it('is case-sensitive', async () => {
      expectRedirectError(await check(query({ scope: 'READ' })), 'invalid_scope');
    });
  });

  describe('prompt', () => {
    it.each(['none', 'login', 'consent', 'select_account'])('accepts prompt=%s', async (prompt) => {
      expect(await check(query({ prompt }))).toMatchObject({ kind: 'valid', request: { prompts: [prompt] } });
    });

    it('reads a space-delimited set, each value once', async () => {
      expect(await check(query({ prompt: 'login  consent login select_account' }))).toMatchObject({
        kind: 'valid',
        request: { prompts: ['login', 'consent', 'select_account'] },
      });
    });

    it.each([null, ''])('leaves prompts out when given as %j', async (prompt) => {
      const result = await check(query({ prompt }));
      expect(result.kind).toBe('valid');
      if (result.kind === 'valid') expect(result.request).not.toHaveProperty('prompts');
    });

    it.each(['NONE', 'create', 'none consent'])('refuses prompt=%j', async (prompt) => {
      expectRedirectError(await check(query({ prompt })), 'invalid_request');
    });
  });

  describe('response_mode', () => {
    it('keeps form_post, and the errors after it are answered that way', async () => {
      expect(await check(query({ response_mode: 'form_post' }))).toMatchObject({
        kind: 'valid',
        request: { responseMode: 'form_post' },
      });
      expect(await check(query({ response_mode: 'form_post', code_challenge: null }))).toMatchObject({
        kind: 'redirect-error',
        responseMode: 'form_post',
      });
    });

    it('answers an unknown mode in the default one', async () => {
      expect(await check(query({ response_mode: 'fragment' }))).toMatchObject({ responseMode: 'query' });
    });

    it('leaves query, the default, out', async () => {
      const result = await check(query({ response_mode: 'query' }));
      if (result.kind !== 'valid') throw new Error('expected a valid request');
      expect(result.request).not.toHaveProperty('responseMode');
    });
  });

  describe('required pushed authorization requests (RFC 9126 §5, §6)', () => {
    const refusal = 'Authorization requests must be pushed to the PAR endpoint first';
    const checkWith = (params: URLSearchParams, channel: RequestChannel) =>
      checkAuthorizationRequest(params, ports(), ISSUER, channel);

    it('refuses a request in the query when the server requires pushing', async () => {
      expectRedirectError(
        await checkWith(query(), { pushed: false, serverRequiresPush: true }),
        'invalid_request',
        refusal,
      );
    });

    it('refuses a request in the query when the client requires pushing', async () => {
      const pushing = clientSnapshot({
        clientId: 'pushing',
        redirectUris: [REDIRECT],
        scopes: ['read'],
        requirePushedAuthorizationRequests: true,
      });
      await store.apply(clientRegistered(pushing), { partition: 0, offset: '10' });
      expectRedirectError(await check(query({ client_id: 'pushing' })), 'invalid_request', refusal);
      expect(await checkWith(query({ client_id: 'pushing' }), { pushed: true })).toMatchObject({ kind: 'valid' });
    });

    it('accepts a pushed request when the server requires pushing', async () => {
      expect(await checkWith(query(), { pushed: true })).toMatchObject({ kind: 'valid' });
    });
  });
});
