import { MemoryProjectionStore, type UserRecord } from '@grantline/lib-projections';
import {
  clientRegistered,
  clientSnapshot,
  formRequest,
  oauthFixture,
  pkcePair,
  respond,
  type OAuthFixture,
} from '@grantline/lib-testing';
import { generateSigningJwk, keyRingFromJwks } from '@grantline/lib-tokens';
import { checkAuthorizationRequest } from '../authorize/authorization-request';
import { decideAuthorizationCode } from '../authorize/code-issuer';
import { projectedClients } from '../clients/client-directory';
import type { OAuthRequest } from '../http-types';
import { tokenEndpoint } from '../token-endpoint';

const REDIRECT = 'https://rp.test/cb';
const ISSUER = 'https://grantline.example.test';
const browser: OAuthRequest = { method: 'GET', headers: {}, body: '', remoteAddress: '127.0.0.1', requestId: 'r1' };

describe('PKCE for a confidential client let off it (RFC 9700 §2.1.1)', () => {
  describe('at the authorization endpoint', () => {
    const secret = { public: false, secretHash: 'scrypt$1$1$1$x$y', redirectUris: [REDIRECT], scopes: ['openid'] };
    async function check(clientId: string, params: Record<string, string>) {
      const store = new MemoryProjectionStore();
      await store.apply(clientRegistered(clientSnapshot({ clientId: 'lenient', ...secret, requirePkce: false })), {
        partition: 0,
        offset: '1',
      });
      await store.apply(clientRegistered(clientSnapshot({ clientId: 'strict', ...secret })), {
        partition: 0,
        offset: '2',
      });
      const keys = await keyRingFromJwks([await generateSigningJwk('k1')]);
      const query = new URLSearchParams({ response_type: 'code', client_id: clientId, scope: 'openid', ...params });
      const ports = { store, clients: projectedClients(store), keys, settings: { issuer: ISSUER } };
      return checkAuthorizationRequest(query, ports, ISSUER, { pushed: false, serverRequiresPush: false });
    }

    it('accepts a request without a challenge from that client only', async () => {
      const lenient = await check('lenient', {});
      expect(lenient).toMatchObject({ kind: 'valid' });
      expect(lenient.kind === 'valid' && lenient.request.codeChallenge).toBeUndefined();
      expect(await check('strict', {})).toMatchObject({
        kind: 'redirect-error',
        error: { error: 'invalid_request', error_description: 'PKCE code_challenge is required' },
      });
    });

    it('still checks a challenge that is sent, and refuses a method without one', async () => {
      const { challenge } = pkcePair();
      const sent = await check('lenient', { code_challenge: challenge, code_challenge_method: 'S256' });
      expect(sent.kind === 'valid' && sent.request.codeChallenge).toBe(challenge);
      expect(await check('lenient', { code_challenge: challenge, code_challenge_method: 'plain' })).toMatchObject({
        error: { error: 'invalid_request' },
      });
      expect(await check('lenient', { code_challenge_method: 'S256' })).toMatchObject({
        error: { error: 'invalid_request', error_description: 'code_challenge_method without a code_challenge' },
      });
    });
  });

  describe('at the token endpoint', () => {
    let fixture: OAuthFixture;
    let user: UserRecord;

    beforeEach(async () => {
      fixture = await oauthFixture();
      await fixture.registerClient({
        name: 'rp',
        client_id: 'rp',
        client_secret: 'rp-secret-123',
        grant_types: ['authorization_code'],
        scopes: 'read',
        redirect_uris: [REDIRECT],
        require_pkce: false,
      });
      user = await fixture.registerUser({ email: 'ada@example.test', name: 'Ada', password: 'correct horse battery' });
    });

    async function codeFor(challenge?: string): Promise<string> {
      const client = await fixture.store.getClient('rp');
      if (!client) throw new Error('client missing');
      const authorization = {
        clientId: 'rp',
        redirectUri: REDIRECT,
        redirectUriGiven: true,
        scopes: ['read'],
        resources: [],
        ...(challenge === undefined ? {} : { codeChallenge: challenge }),
      };
      const now = Math.floor(fixture.clock.now().getTime() / 1000);
      const issued = await decideAuthorizationCode(fixture.context, browser, authorization, client, user, now);
      await fixture.log.append([issued.event]);
      return new URL(issued.location).searchParams.get('code') ?? '';
    }

    const redeem = (code: string, extra: Record<string, string> = {}) =>
      respond(
        fixture.context,
        tokenEndpoint,
        formRequest({
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT,
          client_id: 'rp',
          client_secret: 'rp-secret-123',
          ...extra,
        }),
      );

    it('redeems a code issued without a challenge, on the client secret alone', async () => {
      const response = await redeem(await codeFor());
      expect(response.status).toBe(200);
    });

    it('refuses a verifier for a code issued without a challenge (a PKCE downgrade), changing nothing', async () => {
      const code = await codeFor();
      const before = fixture.log.events.length;
      const downgraded = await redeem(code, { code_verifier: pkcePair().verifier });
      expect(downgraded).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      expect(fixture.log.events).toHaveLength(before);
      expect((await redeem(code)).status).toBe(200);
    });

    it('still requires the verifier of a code issued with a challenge', async () => {
      const { verifier, challenge } = pkcePair();
      const code = await codeFor(challenge);
      expect(await redeem(code)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
      expect((await redeem(code, { code_verifier: verifier })).status).toBe(200);
    });
  });
});
