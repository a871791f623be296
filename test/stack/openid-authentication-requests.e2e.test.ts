import { GrantlineTestClient } from '../support/oauth-test-client';
import { checkOpenIdAuthentication } from '../support/openid-authentication-contract';
import { startTestStack, type TestStack } from './stack-fixture';

/** Two authorize replicas, so each step of the browser lands on another one than the step before. */
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('oidc-authn', {
    replicas: { authorize: 2, token: 1, introspection: 1, devicePolling: 1 },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('stack: OpenID Connect authentication requests across authorize replicas', () => {
  it('answers prompt=none, max_age and form_post as openid-client expects', async () => {
    const authorizeUrls = stack.services.filter((service) => service.name === 'authorize').map(({ url }) => url);
    expect(authorizeUrls).toHaveLength(2);
    await checkOpenIdAuthentication({
      issuer: stack.url,
      admin: new GrantlineTestClient(stack.url, stack.adminToken),
      authorizeUrls,
    });
  }, 60_000);
});
