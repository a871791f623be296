import { GrantlineTestClient } from '../support/oauth-test-client';
import { checkPushedAuthorization, privateKeyJwtClient } from '../support/pushed-authorization-contract';
import { startTestStack, type TestStack } from './stack-fixture';

/**
 * Two authorize and two token replicas, so that the push, the pages, the code and the reuse each
 * land on a replica other than the one before: the sealed request and its one-time claim must
 * hold across them.
 */
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('par', { replicas: { authorize: 2, token: 2, introspection: 1, devicePolling: 1 } });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const replicasOf = (name: string) => stack.services.filter((service) => service.name === name).map(({ url }) => url);

describe('stack: pushed authorization requests (RFC 9126) across replicas', () => {
  it('pushes on one token replica, signs in on one authorize replica, and refuses reuse on the other', async () => {
    await checkPushedAuthorization(site());
  }, 60_000);

  it('runs the FAPI 2.0-shaped flow across replicas: private_key_jwt, PAR, PKCE and DPoP', async () => {
    const target = site();
    await checkPushedAuthorization(target, privateKeyJwtClient(target.admin));
  }, 60_000);
});

function site() {
  const authorizeUrls = replicasOf('authorize');
  const tokenUrls = replicasOf('token');
  expect(authorizeUrls).toHaveLength(2);
  expect(tokenUrls).toHaveLength(2);
  return { issuer: stack.url, admin: new GrantlineTestClient(stack.url, stack.adminToken), authorizeUrls, tokenUrls };
}
