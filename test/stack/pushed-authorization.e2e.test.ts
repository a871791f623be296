import { GrantlineTestClient } from '../support/oauth-test-client';
import { checkPushedAuthorization } from '../support/pushed-authorization-contract';
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
    const authorizeUrls = replicasOf('authorize');
    const tokenUrls = replicasOf('token');
    expect(authorizeUrls).toHaveLength(2);
    expect(tokenUrls).toHaveLength(2);
    await checkPushedAuthorization({
      issuer: stack.url,
      admin: new GrantlineTestClient(stack.url, stack.adminToken),
      authorizeUrls,
      tokenUrls,
    });
  }, 60_000);
});
