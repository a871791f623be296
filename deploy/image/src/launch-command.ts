/** The services the image runs, each named by the folder under `services/` that holds it. */
export const SERVICES = [
  'authorize',
  'token',
  'introspection',
  'device-polling',
  'projector',
  'audit',
  'admin',
] as const;

export type ServiceName = (typeof SERVICES)[number];

/** What the container was asked to do, read from its arguments (the entrypoint's argv after the script). */
export type LaunchCommand =
  | { kind: 'service'; service: ServiceName }
  | { kind: 'topics' }
  | { kind: 'cli'; args: string[] }
  | { kind: 'help' }
  | { kind: 'invalid'; reason: string };

const isService = (name: string): name is ServiceName => (SERVICES as readonly string[]).includes(name);

export function parseLaunchCommand(args: readonly string[]): LaunchCommand {
  const [name, ...rest] = args;
  if (name === undefined || name === '') return { kind: 'invalid', reason: 'no command given' };
  if (name === 'cli') return { kind: 'cli', args: rest };
  if (name === 'help' || name === '--help' || name === '-h') return { kind: 'help' };
  // Services and `topics` take their settings from the environment only, so stray arguments are a mistake.
  if (rest.length > 0 && (name === 'topics' || isService(name))) {
    return { kind: 'invalid', reason: `${name} takes no arguments (it reads its settings from the environment)` };
  }
  if (name === 'topics') return { kind: 'topics' };
  if (isService(name)) return { kind: 'service', service: name };
  return { kind: 'invalid', reason: `unknown command: ${name}` };
}

export function usage(): string {
  return [
    'usage: <image> COMMAND',
    '',
    'commands:',
    ...SERVICES.map((service) => `  ${service.padEnd(16)}run the ${service} service`),
    `  ${'topics'.padEnd(16)}create the Kafka topics that are missing and check the existing ones`,
    `  ${'cli ARGS...'.padEnd(16)}the grantline command line (cli --help lists its commands)`,
    '',
    'Settings come from the environment: see libs/config/src/schema.ts.',
    '',
  ].join('\n');
}
