import { GrantlineTestClient } from '../support/oauth-test-client';
import { checkPrivateKeyJwt } from '../support/private-key-jwt-contract';
import { sharedTestStack, type TestStack } from './stack-fixture';

let stack: TestStack;

beforeAll(async () => {
  stack = await sharedTestStack();
}, 120_000);

describe('stack: private_key_jwt client authentication (RFC 7523 §2.2)', () => {
  it('authenticates a key-registered client at every endpoint; one assertion is accepted by one token replica only', async () => {
    const [first, second] = stack.services.filter((service) => service.name === 'token').map((service) => service.url);
    expect(first && second).toBeTruthy();
    await checkPrivateKeyJwt({
      baseUrl: stack.url,
      issuer: stack.url,
      admin: new GrantlineTestClient(stack.url, stack.adminToken),
      tokenReplicas: [first ?? '', second ?? ''],
    });
  });
});
