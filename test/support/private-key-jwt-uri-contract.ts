import { randomUUID } from 'node:crypto';
import { JWT_BEARER_ASSERTION } from '@grantline/lib-testing';
import type { JwksServer } from './jwks-server';
import { pollUntil } from './poll-until';
import { clientKey, postForm, signAssertion, type PrivateKeyJwtTarget } from './private-key-jwt-contract';

/**
 * A `private_key_jwt` client whose keys are at its `jwks_uri` (served by `jwks`, which the
 * server under test trusts): fetched through the guarded fetcher and kept, so repeated requests
 * to one replica fetch once; an unknown `kid` soon after a fetch does not make it fetch again;
 * replacing the keys through the admin API (rotation) takes effect.
 */
export async function checkPrivateKeyJwtByJwksUri(target: PrivateKeyJwtTarget, jwks: JwksServer): Promise<void> {
  const first = await clientKey();
  jwks.serve(first.jwks);
  const registered = await target.admin.registerClient({
    name: `pkjwt uri ${randomUUID()}`,
    grant_types: ['client_credentials'],
    scopes: 'read',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks_uri: jwks.url,
  });
  const clientId = registered.client_id;
  const [replica] = target.tokenReplicas;
  const grant = async (key: typeof first, at = replica) =>
    postForm(`${at}/oauth/token`, {
      grant_type: 'client_credentials',
      client_assertion_type: JWT_BEARER_ASSERTION,
      client_assertion: await signAssertion(key, clientId, target.issuer),
    });

  const before = jwks.requestCount;
  for (let round = 0; round < 3; round += 1) expect((await grant(first)).status).toBe(200);
  expect(jwks.requestCount - before).toBe(1);

  // A kid the set does not have, a moment after the fetch: refused without fetching again.
  const second = await clientKey();
  jwks.serve(second.jwks);
  expect(await grant(second)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  expect(jwks.requestCount - before).toBe(1);

  // Rotation through the admin API: the registered set replaces the URL, on every replica.
  const rotated = await target.admin.admin('PATCH', `/admin/clients/${encodeURIComponent(clientId)}`, {
    jwks: second.jwks,
  });
  expect(rotated.status).toBe(200);
  const accepted = await pollUntil(
    () => grant(second, target.baseUrl),
    (answer) => answer.status === 200,
    10_000,
  );
  expect(accepted.status).toBe(200);
  expect(await grant(first, target.baseUrl)).toMatchObject({ status: 401 });
}
