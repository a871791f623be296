import { formRequest } from '@grantline/lib-testing';
import { presentedCredentials } from './client-authentication';
import { OAuthError } from './errors';

const basic = (raw: string) => ({ authorization: `Basic ${Buffer.from(raw).toString('base64')}` });
const read = (params: Record<string, string>, headers: Record<string, string> = {}) =>
  presentedCredentials(formRequest(params, headers), new Map(Object.entries(params)));

describe('presentedCredentials', () => {
  it('form-decodes Basic credentials (RFC 6749 §2.3.1)', () => {
    expect(read({}, basic('my%20client:p%3Ass+word'))).toMatchObject({
      clientId: 'my client',
      secret: 'p:ss word',
      method: 'client_secret_basic',
      basicAttempted: true,
    });
  });

  it('reads client_secret_post and none from the body', () => {
    expect(read({ client_id: 'a', client_secret: 's' })).toMatchObject({ method: 'client_secret_post' });
    expect(read({ client_id: 'a' })).toEqual({ clientId: 'a', method: 'none', basicAttempted: false });
    expect(read({})).toBeNull();
  });

  it.each([
    ['no colon', basic('justanid')],
    ['empty id', basic(':secret')],
    ['empty secret', basic('id:')],
    ['not base64', { authorization: 'Basic ***' }],
    ['bad percent-encoding', basic('id:%E0%A4%A')],
  ])('refuses malformed Basic credentials (%s) as invalid_client with a challenge', (_name, headers) => {
    expect.assertions(3);
    try {
      read({}, headers);
    } catch (error) {
      expect(error).toBeInstanceOf(OAuthError);
      expect((error as OAuthError).error).toBe('invalid_client');
      expect((error as OAuthError).options.wwwAuthenticate).toMatch(/^Basic/);
    }
  });

  it.each([
    ['Basic and a body secret', { client_secret: 's' }, basic('a:s')],
    ['Basic and a different body client_id', { client_id: 'b' }, basic('a:s')],
    ['a secret without an id', { client_secret: 's' }, {}],
  ])('refuses %s with invalid_request', (_name, params, headers) => {
    expect(() => read(params, headers)).toThrow(expect.objectContaining({ error: 'invalid_request' }));
  });
});
