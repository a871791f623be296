import { loadConfig } from '@grantline/lib-config';
import { createLogger, onShutdown, runMain } from '@grantline/lib-http';
import { startEmbeddedServer } from './embedded-server';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('grantline', config.LOG_LEVEL);
  const server = await startEmbeddedServer(config, logger);
  const lines = [`Grantline (embedded) listening on ${server.url}`, `  data: ${config.GRANTLINE_DATA_DIR}`];
  if (server.demoClient) {
    lines.push(
      '  demo client created (the secret is shown only now):',
      `    client_id:     ${server.demoClient.client_id}`,
      `    client_secret: ${server.demoClient.client_secret}`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  onShutdown(() => server.close());
}

runMain(main);
