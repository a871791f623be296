// First: when spans go to a collector, the library instrumentations must load before anything they patch.
import '@grantline/lib-telemetry/instrument';
import { loadConfig } from '@grantline/lib-config';
import { createLogger, onShutdown, runMain } from '@grantline/lib-http';
import { startEmbeddedServer } from './embedded-server';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('grantline', config.LOG_LEVEL);
  const server = await startEmbeddedServer(config, logger);
  const lines = [`Grantline (embedded) listening on ${server.url}`, `  data: ${config.GRANTLINE_DATA_DIR}`];
  const { demo } = server;
  if (demo) {
    lines.push(
      '  demo data created (secrets are shown only now):',
      `    confidential client  client_id: ${demo.client.client_id}  client_secret: ${demo.client.client_secret}`,
      `    public SPA client    client_id: ${demo.spaClient.client_id}`,
      `                         redirect URIs: ${demo.spaClient.redirect_uris.join(', ')} (127.0.0.1: any port)`,
      `                         web origins: ${demo.spaClient.web_origins.join(', ')}`,
      `    public device client client_id: ${demo.deviceClient.client_id}  (device flow: POST /oauth/device/code)`,
      `    user                 email: ${demo.user.email}  password: ${demo.user.password}`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  onShutdown(() => server.close());
}

runMain(main);
