import { parseLaunchCommand, SERVICES, usage } from './launch-command';

describe('the image launcher command line', () => {
  it.each(SERVICES.map((service) => [service]))('runs the %s service', (service) => {
    expect(parseLaunchCommand([service])).toEqual({ kind: 'service', service });
  });

  it('creates topics', () => {
    expect(parseLaunchCommand(['topics'])).toEqual({ kind: 'topics' });
  });

  it('hands everything after cli to the grantline command line', () => {
    expect(parseLaunchCommand(['cli', 'client', 'list', '--url', 'http://127.0.0.1:3000'])).toEqual({
      kind: 'cli',
      args: ['client', 'list', '--url', 'http://127.0.0.1:3000'],
    });
  });

  it.each([['help'], ['--help'], ['-h']])('shows the usage for %s', (flag) => {
    expect(parseLaunchCommand([flag])).toEqual({ kind: 'help' });
  });

  it.each([
    [[], 'no command given'],
    [[''], 'no command given'],
    [['embedded'], 'unknown command: embedded'],
    [['Token'], 'unknown command: Token'],
    [['token', '--port', '80'], 'token takes no arguments (it reads its settings from the environment)'],
    [['topics', 'extra'], 'topics takes no arguments (it reads its settings from the environment)'],
  ])('refuses %j: %s', (args, reason) => {
    expect(parseLaunchCommand(args)).toEqual({ kind: 'invalid', reason });
  });

  it('lists every command in the usage', () => {
    for (const command of [...SERVICES, 'topics', 'cli']) expect(usage()).toContain(`  ${command}`);
  });
});
