import { Command } from 'commander';
import { adminCall, adminTarget } from './admin-client';

function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

const path = (uri: string) => `/admin/resources/${encodeURIComponent(uri)}`;

/** `grantline resource …`: manage the resources (RFC 8707) tokens are issued for. */
export function resourceCommands(): Command {
  const resource = new Command('resource').description('register and manage resources (APIs tokens are meant for)');
  const target = () => adminTarget(resource.parent?.opts() ?? {});

  resource
    .command('create')
    .description('register a resource; its URI becomes the audience of the tokens issued for it')
    .requiredOption('--uri <uri>', 'the resource identifier: an absolute URI without a fragment')
    .requiredOption('--name <name>', 'the name people see on the consent page')
    .option('--scopes <scopes>', 'space or comma separated scopes the resource offers', '')
    .action(async (options) =>
      print(
        await adminCall(target(), 'POST', '/admin/resources', {
          uri: options.uri,
          name: options.name,
          scopes: options.scopes,
        }),
      ),
    );

  resource
    .command('list')
    .description('list resources')
    .action(async () => print(await adminCall(target(), 'GET', '/admin/resources')));

  resource
    .command('show <uri>')
    .description('show one resource')
    .action(async (uri: string) => print(await adminCall(target(), 'GET', path(uri))));

  resource
    .command('update <uri>')
    .description('rename a resource or change the scopes it offers')
    .option('--name <name>', 'the new name')
    .option('--scopes <scopes>', 'the scopes it offers from now on')
    .action(async (uri: string, options) =>
      print(
        await adminCall(target(), 'PATCH', path(uri), {
          ...(options.name === undefined ? {} : { name: options.name }),
          ...(options.scopes === undefined ? {} : { scopes: options.scopes }),
        }),
      ),
    );

  resource
    .command('delete <uri>')
    .description('delete a resource no client names any more')
    .action(async (uri: string) => print(await adminCall(target(), 'DELETE', path(uri))));

  return resource;
}
