import { GrantlineTestClient } from '../support/oauth-test-client';
import { checkRefreshWithoutRotation } from '../support/refresh-rotation-contract';
import { checkSwiftOAuthManagerReplay } from '../support/swift-replay-contract';
import { sharedTestStack, type TestStack } from './stack-fixture';

let stack: TestStack;

beforeAll(async () => {
  stack = await sharedTestStack();
}, 300_000);

describe('stack: native apps and refresh tokens by client type', () => {
  it("replays the seed's iOS OAuthManager requests (a replay: Swift cannot run here)", async () => {
    await checkSwiftOAuthManagerReplay(stack.url, new GrantlineTestClient(stack.url, stack.adminToken));
  });

  it('lets a confidential client registered not to rotate use its refresh token again, whichever token replica answers', async () => {
    await checkRefreshWithoutRotation(stack.url, new GrantlineTestClient(stack.url, stack.adminToken));
  });
});
