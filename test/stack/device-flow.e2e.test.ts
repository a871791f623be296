import { describeDeviceFlowContract, type DeviceFlowSettings } from '../support/device-flow-contract';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { startTestStack } from './stack-fixture';

const settings: DeviceFlowSettings = {
  pollIntervalSeconds: 1,
  codeTtlSeconds: 600,
  userCodeLimitPerBrowser: 3,
  userCodeLimitPerAddress: 8,
};
let stack: Awaited<ReturnType<typeof startTestStack>>;
let client: GrantlineTestClient;

beforeAll(async () => {
  // Two authorize replicas: the page's limits and decisions must hold across them (Redis guards).
  stack = await startTestStack('device', {
    replicas: { authorize: 2, token: 2, introspection: 1, devicePolling: 2 },
    env: {
      GRANTLINE_DEVICE_POLL_INTERVAL: String(settings.pollIntervalSeconds),
      GRANTLINE_DEVICE_CODE_TTL: String(settings.codeTtlSeconds),
      GRANTLINE_USER_CODE_LIMIT_PER_BROWSER: String(settings.userCodeLimitPerBrowser),
      GRANTLINE_USER_CODE_LIMIT_PER_ADDRESS: String(settings.userCodeLimitPerAddress),
    },
  });
  client = new GrantlineTestClient(stack.url, stack.adminToken);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describeDeviceFlowContract('stack', () => client, settings);
