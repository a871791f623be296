import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadRoutingTable } from '@grantline/lib-edge';
import { parseLaunchCommand, SERVICES } from '../../deploy/image/src/launch-command';

// No container engine runs it here, so these checks are what keeps the compose file true.
const compose = z
  .object({
    services: z.record(
      z.string(),
      z.object({
        image: z.string(),
        entrypoint: z.array(z.string()).optional(),
        command: z.array(z.string()).optional(),
        environment: z.record(z.string(), z.string()).optional(),
      }),
    ),
  })
  .parse(parse(readFileSync(join(__dirname, '..', '..', 'deploy', 'compose.yaml'), 'utf8'), { merge: true }));
const ours = Object.entries(compose.services).filter(([, service]) => service.image === 'grantline:dev');
const servers = ours.filter(([, service]) => service.command !== undefined && service.environment?.PORT !== undefined);

describe('deploy/compose.yaml', () => {
  it('runs every service of the image once, by a command the image accepts', () => {
    // edge-config runs node itself (its entrypoint) to write the nginx config.
    for (const [name, service] of ours.filter(([, s]) => s.command && !s.entrypoint)) {
      expect({ name, command: parseLaunchCommand(service.command ?? []).kind }).not.toMatchObject({
        command: 'invalid',
      });
    }
    expect(servers.map(([name]) => name).sort()).toEqual([...SERVICES].sort());
  });

  it('gives each service its own port, the device-polling URL the one device-polling listens on', () => {
    const ports = servers.map(([, service]) => service.environment?.PORT);
    expect(new Set(ports).size).toBe(ports.length);
    const devicePolling = compose.services['device-polling']?.environment?.PORT;
    expect(compose.services.token?.environment?.GRANTLINE_DEVICE_POLLING_URL).toBe(`http://127.0.0.1:${devicePolling}`);
  });

  it('routes every public service of the routing table to the port that service listens on', () => {
    const script = compose.services['edge-config']?.command?.join('\n') ?? '';
    const upstreams = /const ports = (\{[^}]*\})/.exec(script)?.[1] ?? '{}';
    const asJson = upstreams.replace(/'/g, '"').replace(/([{,]\s*)([a-z-]+)\s*:/g, '$1"$2":');
    const ports = JSON.parse(asJson) as Record<string, number[]>;
    for (const service of loadRoutingTable().services) {
      expect({ service, port: String(ports[service]?.[0]) }).toEqual({
        service,
        port: compose.services[service]?.environment?.PORT,
      });
    }
  });
});
