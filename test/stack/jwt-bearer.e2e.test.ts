import { checkWorkloadTokens, startWorkloadIssuers, type WorkloadIssuers } from '../support/jwt-bearer-contract';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { startTestStack, type TestStack } from './stack-fixture';

let issuers: WorkloadIssuers;
let stack: TestStack;

beforeAll(async () => {
  issuers = await startWorkloadIssuers();
  // Two token replicas: each keeps its own cache of the issuers' keys.
  stack = await startTestStack('jwtbearer', {
    replicas: { authorize: 1, token: 2, introspection: 1, devicePolling: 1 },
    env: issuers.env,
  });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await issuers?.stop();
});

describe('stack: a workload’s token with no secret (JWT bearer grant, RFC 7523 §2.1)', () => {
  it('exchanges service-account tokens of trusted clusters at the token service; introspection shows the subject', async () => {
    await checkWorkloadTokens(stack.url, new GrantlineTestClient(stack.url, stack.adminToken), issuers);
  });
});
