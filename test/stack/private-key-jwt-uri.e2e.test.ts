import { fetchSettingsFor, JwksServer } from '../support/jwks-server';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { checkPrivateKeyJwtByJwksUri } from '../support/private-key-jwt-uri-contract';
import { startTestStack, type TestStack } from './stack-fixture';

let stack: TestStack;
let jwks: JwksServer;

beforeAll(async () => {
  jwks = await JwksServer.start();
  // Its own stack: the shared one does not trust the key server's test CA.
  stack = await startTestStack('pkjwturi', {
    env: fetchSettingsFor(jwks),
    replicas: { token: 1, introspection: 1, devicePolling: 1 },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await jwks?.stop();
});

describe('stack: private_key_jwt with keys at a jwks_uri', () => {
  it('the token service fetches them through the guarded fetcher once, and takes replaced keys', async () => {
    const token = stack.services.find((service) => service.name === 'token')?.url ?? '';
    await checkPrivateKeyJwtByJwksUri(
      {
        baseUrl: stack.url,
        issuer: stack.url,
        admin: new GrantlineTestClient(stack.url, stack.adminToken),
        tokenReplicas: [token, token],
      },
      jwks,
    );
  });
});
