// Checks a bearer token by asking Grantline (RFC 7662), authenticated as the client linked to
// this server's resource: Grantline then answers `{"active": false}` for any token whose
// audience is not this server (RFC 7662 §4), and the audience is compared here as well.
import { InvalidTokenError, ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { z } from 'zod';
import { basicAuthorization } from './client-authentication.mjs';

const answerSchema = z.union([
  z.object({ active: z.literal(false) }),
  z.object({
    active: z.literal(true),
    client_id: z.string().optional(),
    sub: z.string().optional(),
    scope: z.string().optional(),
    exp: z.number(),
    aud: z.union([z.string(), z.array(z.string())]),
    // RFC 8693 §4.1: who acts for the subject, on an exchanged token.
    act: z.record(z.string(), z.unknown()).optional(),
  }),
]);

/**
 * A token verifier for the SDK's `requireBearerAuth`: every request is introspected, so a token
 * revoked at Grantline is refused on the next call.
 * @param {{ introspectionEndpoint: string, clientId: string, clientSecret: string, resource: string }} options
 */
export function introspectionVerifier({ introspectionEndpoint, clientId, clientSecret, resource }) {
  const authorization = basicAuthorization(clientId, clientSecret);
  return {
    async verifyAccessToken(token) {
      const response = await fetch(introspectionEndpoint, {
        method: 'POST',
        headers: { authorization, accept: 'application/json' },
        body: new URLSearchParams({ token }),
        signal: AbortSignal.timeout(5_000),
      });
      if (response.status !== 200) throw new ServerError(`introspection answered ${response.status}`);
      const answer = answerSchema.parse(await response.json());
      if (!answer.active) throw new InvalidTokenError('The token is not active for this server');
      const audiences = typeof answer.aud === 'string' ? [answer.aud] : answer.aud;
      // RFC 8707 §2 and RFC 9068 §4: a token meant for another resource is refused.
      if (!audiences.includes(resource)) throw new InvalidTokenError('The token is not meant for this server');
      return {
        token,
        clientId: answer.client_id ?? '',
        scopes: answer.scope ? answer.scope.split(' ') : [],
        expiresAt: answer.exp,
        resource: new URL(resource),
        extra: { sub: answer.sub, act: answer.act, aud: audiences },
      };
    },
  };
}
