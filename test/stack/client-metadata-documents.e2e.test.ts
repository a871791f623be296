import { checkClientMetadataDocuments, metadataDocumentSettings } from '../support/client-metadata-document-contract';
import { MetadataDocumentServer } from '../support/metadata-document-server';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { startTestStack, type TestStack } from './stack-fixture';

let documents: MetadataDocumentServer;
let stack: TestStack;

beforeAll(async () => {
  documents = await MetadataDocumentServer.start();
  // Two authorize and two token replicas: one fetch must serve them all (the cache is in Redis).
  stack = await startTestStack('cimd', {
    replicas: { authorize: 2, token: 2, introspection: 1, devicePolling: 1 },
    env: metadataDocumentSettings(documents),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await documents?.close();
});

describe('stack: clients known by their client ID metadata document', () => {
  it('signs a person in for an unregistered client through its document, one fetch for every replica', async () => {
    await checkClientMetadataDocuments(stack.url, new GrantlineTestClient(stack.url, stack.adminToken), documents);
  }, 60_000);
});
