import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listeningMessageOf } from '@grantline/lib-http';
import { waitUntilReady, type ServiceProcess } from '@grantline/lib-stack';
import { startProjectorProcess } from '../support/projector-process';

const workDir = mkdtempSync(join(tmpdir(), 'grantline-service-start-'));
const started: ServiceProcess[] = [];

afterAll(async () => {
  await Promise.all(started.map((service) => service.stop('SIGKILL')));
  rmSync(workDir, { recursive: true, force: true });
});

it('learns the port a service bound from the service itself, even when it logs nothing', async () => {
  const namespace = `tstart${Date.now().toString(36)}`;
  const service = await startProjectorProcess({ namespace, workDir, replica: 0, env: { LOG_LEVEL: 'silent' } });
  started.push(service);
  expect(service.port).toBeGreaterThan(0);
  await waitUntilReady(service, '/healthz', 30_000);
  expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
}, 60_000);

it('reads only well-formed listening messages', () => {
  expect(listeningMessageOf({ type: 'listening', service: 'token', port: 4100 })).toEqual({
    type: 'listening',
    service: 'token',
    port: 4100,
  });
  for (const message of [null, 'listening', { type: 'listening', service: 'token', port: '4100' }, { port: 4100 }]) {
    expect(listeningMessageOf(message)).toBeUndefined();
  }
});
