import { Command, InvalidArgumentError } from 'commander';
import { adminCall, adminTarget } from './admin-client';

const scopeList = (value: string) => value.split(/[\s,]+/).filter((scope) => scope !== '');

/** Seconds as a positive whole number; anything else is refused here rather than defaulted by the server. */
function seconds(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidArgumentError('expected a whole number of seconds');
  return Number(value);
}

function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/**
 * `grantline pat …`: a user's personal access tokens through the admin API. The token value
 * is printed by `create` only; nothing lists it again.
 */
export function patCommands(): Command {
  const pat = new Command('pat').description("create, list and revoke a user's personal access tokens");
  const target = () => adminTarget(pat.parent?.opts() ?? {});
  const userTokens = (userId: string) => `/admin/users/${encodeURIComponent(userId)}/personal-access-tokens`;

  pat
    .command('create')
    .description('create a personal access token; prints its value (shown once)')
    .requiredOption('--user-id <id>', 'the user the token acts for')
    .requiredOption('--name <name>', 'a name to recognise the token by')
    .option('--scopes <scopes>', 'comma or space separated scopes', scopeList, [])
    .option('--expires-in <seconds>', 'lifetime in seconds (default: the server setting)', seconds)
    .action(async (options: { userId: string; name: string; scopes: string[]; expiresIn?: number }) => {
      print(
        await adminCall(target(), 'POST', userTokens(options.userId), {
          name: options.name,
          scopes: options.scopes,
          ...(options.expiresIn === undefined ? {} : { expires_in: options.expiresIn }),
        }),
      );
    });

  pat
    .command('list')
    .description("list a user's unexpired personal access tokens (never their values)")
    .requiredOption('--user-id <id>', 'whose tokens')
    .action(async (options: { userId: string }) => print(await adminCall(target(), 'GET', userTokens(options.userId))));

  pat
    .command('revoke <id>')
    .description('revoke a personal access token; it stops working at once')
    .action(async (id: string) => {
      await adminCall(target(), 'DELETE', `/admin/personal-access-tokens/${encodeURIComponent(id)}`);
      print({ id, revoked: true });
    });

  return pat;
}
