import { describeOpenIdConnectContract } from '../support/openid-connect-contract';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { sharedTestStack, type TestStack } from './stack-fixture';

/** The OpenID Connect contract through the edge: token service, introspection (/userinfo) and device polling. */
let stack: TestStack;
let admin: GrantlineTestClient;

beforeAll(async () => {
  stack = await sharedTestStack();
  admin = new GrantlineTestClient(stack.url, stack.adminToken);
}, 120_000);

describeOpenIdConnectContract('stack', () => ({ issuer: stack.url, admin }));
