import { checkDynamicRegistration, checkNativeAppRegistration } from '../support/dynamic-registration-contract';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { sharedTestStack, type TestStack } from './stack-fixture';

let stack: TestStack;

beforeAll(async () => {
  stack = await sharedTestStack();
}, 120_000);

describe('stack: dynamic client registration (RFC 7591, RFC 7592)', () => {
  it('registers a client that works at once on every replica, and manages it with the registration access token', async () => {
    await checkDynamicRegistration(stack.url, new GrantlineTestClient(stack.url, stack.adminToken));
  });

  it('registers a native app that signs a person in through a loopback redirect', async () => {
    await checkNativeAppRegistration(stack.url, new GrantlineTestClient(stack.url, stack.adminToken));
  });
});
