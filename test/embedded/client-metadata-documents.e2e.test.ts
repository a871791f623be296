import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { freePort } from '@grantline/lib-infra';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { checkClientMetadataDocuments, metadataDocumentSettings } from '../support/client-metadata-document-contract';
import { MetadataDocumentServer } from '../support/metadata-document-server';
import { GrantlineTestClient } from '../support/oauth-test-client';

const dataDir = mkdtempSync(join(tmpdir(), 'grantline-cimd-'));
let documents: MetadataDocumentServer;
let server: EmbeddedServer;

beforeAll(async () => {
  documents = await MetadataDocumentServer.start();
  const port = String(await freePort());
  server = await startEmbeddedServer(
    loadConfig({
      GRANTLINE_DATA_DIR: dataDir,
      PORT: port,
      GRANTLINE_ISSUER: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'silent',
      ...metadataDocumentSettings(documents),
    }),
    createLogger('cimd-test', 'silent'),
  );
}, 30_000);

afterAll(async () => {
  await server?.close();
  await documents?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded: clients known by their client ID metadata document', () => {
  it('signs a person in for an unregistered client through its document, fetched over https', async () => {
    await checkClientMetadataDocuments(server.url, new GrantlineTestClient(server.url, server.adminToken), documents);
  }, 60_000);
});
