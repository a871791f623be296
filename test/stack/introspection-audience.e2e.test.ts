import { checkAudienceRestrictedIntrospection } from '../support/introspection-audience-contract';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { sharedTestStack, type TestStack } from './stack-fixture';

let stack: TestStack;

beforeAll(async () => {
  stack = await sharedTestStack();
}, 120_000);

describe('stack: introspection for a client linked to a resource (RFC 7662 §4)', () => {
  it('tells the linked client only about tokens meant for its resource, in JSON and JWT answers', async () => {
    await checkAudienceRestrictedIntrospection(stack.url, new GrantlineTestClient(stack.url, stack.adminToken));
  });
});
