import { Command, Option } from 'commander';
import { adminCall, adminTarget } from './admin-client';

function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

const userPath = (userId: string, rest = '') => `/admin/users/${encodeURIComponent(userId)}${rest}`;

/**
 * The password comes only from standard input, never from an argument, which other users of
 * the machine can read in the process list and which lands in shell history.
 */
async function readPasswordFromStdin(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (stdin.isTTY) {
    throw new Error('--password-stdin reads a pipe or file, e.g. printf %s "$PASSWORD" | grantline user …');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  // `echo` adds one newline; only that one is removed, the rest is the password as typed.
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password === '') throw new Error('no password on standard input');
  return password;
}

/** Options that would put a password on the command line: refused with a pointer to stdin. */
function refusePasswordArgument(command: Command): Command {
  return command.addOption(new Option('--password <password>').hideHelp()).hook('preAction', (_parent, action) => {
    if (action.opts().password !== undefined) {
      throw new Error('refusing --password: pass the password on standard input with --password-stdin');
    }
    if (!action.opts().passwordStdin) throw new Error('--password-stdin is required');
  });
}

/** The OpenID Connect profile options of `user create` and `user update`, by their claim names. */
const profileOptions = [
  ['--given-name <name>', 'given name (OpenID Connect given_name)', 'given_name'],
  ['--family-name <name>', 'family name (family_name)', 'family_name'],
  ['--middle-name <name>', 'middle name (middle_name)', 'middle_name'],
  ['--nickname <name>', 'casual name (nickname)', 'nickname'],
  [
    '--preferred-username <name>',
    'short name the person goes by (preferred_username; not unique)',
    'preferred_username',
  ],
  ['--locale <tag>', 'BCP 47 language tag, e.g. en-GB', 'locale'],
  ['--zoneinfo <zone>', 'IANA time zone, e.g. Europe/Paris', 'zoneinfo'],
  ['--picture <url>', 'address of a profile picture (http or https)', 'picture'],
  ['--website <url>', 'address of a web page about the person (http or https)', 'website'],
  ['--profile-url <url>', "address of the person's profile page (profile; http or https)", 'profile'],
  ['--gender <gender>', 'female, male, or another value (gender)', 'gender'],
  ['--birthdate <date>', 'YYYY-MM-DD, 0000-MM-DD to withhold the year, or YYYY (birthdate)', 'birthdate'],
] as const;

function withProfileOptions(command: Command): Command {
  for (const [flags, description] of profileOptions) command.option(flags, `${description}; "" clears it`);
  return command
    .option('--email-verified', "the email address is known to be this person's")
    .option('--no-email-verified', 'the email address is not verified');
}

/** The profile fields the options set, as the admin API spells them; an empty value clears one. */
function profileFields(options: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [flags, , field] of profileOptions) {
    const key = optionKey(flags);
    const value = options[key];
    if (typeof value === 'string') fields[field] = value === '' ? null : value;
  }
  if (typeof options.emailVerified === 'boolean') fields.email_verified = options.emailVerified;
  return fields;
}

/** `--given-name <name>` is read by commander as `givenName`. */
function optionKey(flags: string): string {
  const long = flags.split(' ')[0] ?? '';
  return long.replace(/^--/, '').replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/** `grantline user …`: manage user accounts through the admin API of a running server. */
export function userCommands(): Command {
  const user = new Command('user').description('create and manage user accounts');
  const target = () => adminTarget(user.parent?.opts() ?? {});

  refusePasswordArgument(
    withProfileOptions(
      user
        .command('create')
        .description('create a user; the password is read from standard input')
        .requiredOption('--email <email>', 'sign-in address (unique, compared case-insensitively)')
        .requiredOption('--name <name>', 'display name')
        .option('--password-stdin', 'read the password from standard input (one trailing newline is dropped)'),
    ),
  ).action(async (options: { email: string; name: string } & Record<string, unknown>) => {
    const password = await readPasswordFromStdin();
    const body = { email: options.email, name: options.name, password, ...profileFields(options) };
    print(await adminCall(target(), 'POST', '/admin/users', body));
  });

  withProfileOptions(
    user
      .command('update <userId>')
      .description("change a user's name, email or OpenID Connect profile; options left out are kept")
      .option('--email <email>', 'new sign-in address (unverified unless --email-verified is given too)')
      .option('--name <name>', 'display name'),
  ).action(async (userId: string, options: { email?: string; name?: string } & Record<string, unknown>) => {
    const body = {
      ...(options.email === undefined ? {} : { email: options.email }),
      ...(options.name === undefined ? {} : { name: options.name }),
      ...profileFields(options),
    };
    if (Object.keys(body).length === 0) throw new Error('nothing to change: give at least one option');
    print(await adminCall(target(), 'PATCH', userPath(userId), body));
  });

  user
    .command('list')
    .description('list users')
    .action(async () => print(await adminCall(target(), 'GET', '/admin/users')));

  user
    .command('show <userId>')
    .description('show one user')
    .action(async (userId: string) => print(await adminCall(target(), 'GET', userPath(userId))));

  user
    .command('disable <userId>')
    .description('disable a user: they can no longer sign in')
    .action(async (userId: string) => print(await adminCall(target(), 'POST', userPath(userId, '/disable'))));

  user
    .command('enable <userId>')
    .description('enable a disabled user again')
    .action(async (userId: string) => print(await adminCall(target(), 'POST', userPath(userId, '/enable'))));

  refusePasswordArgument(
    user
      .command('set-password <userId>')
      .description("replace a user's password; the new one is read from standard input")
      .option('--password-stdin', 'read the password from standard input (one trailing newline is dropped)'),
  ).action(async (userId: string) => {
    const password = await readPasswordFromStdin();
    await adminCall(target(), 'POST', userPath(userId, '/password'), { password });
    print({ user_id: userId, password_changed: true });
  });

  user
    .command('consent-withdraw <userId> <clientId>')
    .description('forget the scopes a user approved for a client; the next authorization asks again')
    .action(async (userId: string, clientId: string) => {
      await adminCall(target(), 'DELETE', userPath(userId, `/consents/${encodeURIComponent(clientId)}`));
      print({ user_id: userId, client_id: clientId, consent_withdrawn: true });
    });

  user
    .command('sessions <userId>')
    .description("list a user's live browser sessions")
    .action(async (userId: string) => print(await adminCall(target(), 'GET', userPath(userId, '/sessions'))));

  user
    .command('end-session <userId> [sessionId]')
    .description(
      'sign a user out of one browser session, or of all with --all; grants that end with the session end too',
    )
    .option('--all', 'end every live session of the user')
    .action(async (userId: string, sessionId: string | undefined, options: { all?: boolean }) => {
      if ((sessionId === undefined) === (options.all !== true)) {
        throw new Error('name one session id, or pass --all');
      }
      if (sessionId === undefined) {
        print({ user_id: userId, ...((await adminCall(target(), 'DELETE', userPath(userId, '/sessions'))) as object) });
        return;
      }
      await adminCall(target(), 'DELETE', userPath(userId, `/sessions/${encodeURIComponent(sessionId)}`));
      print({ user_id: userId, session_id: sessionId, session_ended: true });
    });

  return user;
}
