// Gets a token of this server's own for a downstream API by token exchange (RFC 8693 §2.1),
// with the caller's verified token as the subject. The caller's token is never passed on.
import { z } from 'zod';
import { basicAuthorization } from './client-authentication.mjs';

const answerSchema = z.object({ access_token: z.string().min(1), token_type: z.string() });

/**
 * @param {{ tokenEndpoint: string, clientId: string, clientSecret: string }} client
 * @returns {(subjectToken: string, target: { resource: string, scope: string }) => Promise<string>}
 */
export function tokenExchanger({ tokenEndpoint, clientId, clientSecret }) {
  const authorization = basicAuthorization(clientId, clientSecret);
  return async (subjectToken, { resource, scope }) => {
    const response = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: { authorization, accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: subjectToken,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        // RFC 8707: the token is for the downstream API alone, with only the scope it needs.
        resource,
        scope,
      }),
      signal: AbortSignal.timeout(5_000),
    });
    if (response.status !== 200) throw new Error(`token exchange answered ${response.status}`);
    return answerSchema.parse(await response.json()).access_token;
  };
}
