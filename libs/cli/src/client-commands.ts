import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { adminCall, adminTarget } from './admin-client';

const collect = (value: string, previous: string[]) => [...previous, value];
/** Like `collect`, with no default: undefined when the option is not given at all. */
const collectGiven = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
const list = (value: string) => value.split(/[\s,]+/).filter((item) => item !== '');

/** `--jwks-file` or `--jwks-uri`: the keys of a private_key_jwt client (RFC 7523 §2.2). */
function keyOptions(options: { jwksFile?: string; jwksUri?: string }): Record<string, unknown> {
  return {
    ...(options.jwksFile === undefined ? {} : { jwks: JSON.parse(readFileSync(options.jwksFile, 'utf8')) as unknown }),
    ...(options.jwksUri === undefined ? {} : { jwks_uri: options.jwksUri }),
  };
}

/**
 * A client's OpenID Connect settings, on `client create` and `client update`. Switches come in
 * pairs (`--require-auth-time`, `--no-require-auth-time`) so an update can turn one off again.
 */
function withOpenIdOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--id-token-alg <alg>', 'algorithm of its ID tokens (default RS256)').choices(['RS256', 'ES256']),
    )
    .addOption(
      new Option('--subject-type <type>', 'public: one sub per person; pairwise: one per sector').choices([
        'public',
        'pairwise',
      ]),
    )
    .option(
      '--sector-identifier-host <host>',
      'the host pairwise subjects are computed for (default: the redirect URIs\' one host); "" clears it',
    )
    .option(
      '--post-logout-redirect-uri <uri>',
      'where a logout may send the browser back to (repeatable)',
      collectGiven,
    )
    .option(
      '--backchannel-logout-uri <uri>',
      'where logout tokens are POSTed when a session ends (https); "" clears it',
    )
    .option('--backchannel-logout-session-required', 'logout tokens to this client carry sid')
    .option('--no-backchannel-logout-session-required', 'logout tokens to this client need not carry sid')
    .option('--default-max-age <seconds>', 're-authenticate when the sign-in is older than this', Number)
    .option('--require-auth-time', 'ID tokens must carry auth_time (they always do)')
    .option('--no-require-auth-time', 'do not require auth_time')
    .option('--keep-grants-after-logout', 'grants outlive the browser session they were given in')
    .option('--no-keep-grants-after-logout', 'grants end with the browser session they were given in (the default)');
}

/** The OpenID Connect members the options set, as the admin API spells them. */
function openIdFields(options: Record<string, unknown>): Record<string, unknown> {
  const given = (value: unknown, field: string) => (value === undefined ? {} : { [field]: value });
  /** An empty value clears a setting that may have none. */
  const clearable = (value: unknown, field: string) => given(value === '' ? null : value, field);
  return {
    ...given(options.idTokenAlg, 'id_token_signed_response_alg'),
    ...given(options.subjectType, 'subject_type'),
    ...clearable(options.sectorIdentifierHost, 'sector_identifier_host'),
    ...given(options.postLogoutRedirectUri, 'post_logout_redirect_uris'),
    ...clearable(options.backchannelLogoutUri, 'backchannel_logout_uri'),
    ...given(options.backchannelLogoutSessionRequired, 'backchannel_logout_session_required'),
    ...given(options.defaultMaxAge, 'default_max_age'),
    ...given(options.requireAuthTime, 'require_auth_time'),
    ...(typeof options.keepGrantsAfterLogout === 'boolean'
      ? { end_grants_with_session: !options.keepGrantsAfterLogout }
      : {}),
  };
}

function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** `grantline client …`: manage clients through the admin API of a running server. */
export function clientCommands(): Command {
  const client = new Command('client').description('register and manage OAuth clients');
  const target = () => adminTarget(client.parent?.opts() ?? {});

  withOpenIdOptions(
    client
      .command('create')
      .description('register a client; prints its client_id and client_secret (shown once)')
      .requiredOption('--name <name>', 'display name')
      .option('--grant-types <types>', 'comma or space separated grant types', list, ['client_credentials'])
      .option('--scopes <scopes>', 'space separated scopes', '')
      .option('--redirect-uri <uri>', 'registered redirect URI (repeatable)', collect, [])
      .option('--web-origin <origin>', 'origin allowed to call cross-origin (repeatable)', collect, [])
      .option('--public', 'a public client (no secret)', false)
      .option('--client-id <id>', 'choose the client id instead of generating one')
      .option('--client-secret <secret>', 'choose the secret instead of generating one')
      .option('--first-party', 'a client of ours: users are not asked for consent', false)
      .option('--require-dpop', 'issue tokens only against a DPoP proof (RFC 9449)', false)
      .option('--dpop-nonce', 'DPoP proofs must carry a server nonce', false)
      .option('--require-par', 'authorization requests only as pushed authorization requests (RFC 9126)', false)
      .option(
        '--no-require-pkce',
        'a confidential client may send authorization requests without PKCE (RFC 9700 §2.1.1)',
      )
      .option('--refresh-token-idle-ttl <seconds>', 'refresh tokens unused this long expire', Number)
      .option('--refresh-token-absolute-ttl <seconds>', 'no refresh token outlives the grant by more', Number)
      .option('--refresh-token-grace-period <seconds>', 'a rotated token may be presented again this long', Number)
      .option(
        '--no-refresh-token-rotation',
        'a confidential client keeps its refresh token across refreshes (FAPI 2.0)',
      )
      .option(
        '--resource <uri>',
        'limit the client to this resource (repeatable; default: every resource)',
        collectGiven,
      )
      .option('--default-resource <uri>', 'the resource of requests that name none')
      .option(
        '--introspects-for <uri>',
        "a resource's server: introspection tells it only about that resource's tokens",
      )
      .option('--jwks-file <path>', 'authenticate with private_key_jwt: a JSON file with the public key set')
      .option('--jwks-uri <url>', 'authenticate with private_key_jwt: the https URL of the public key set'),
  ).action(async (options) => {
    const keys = keyOptions(options);
    print(
      await adminCall(target(), 'POST', '/admin/clients', {
        name: options.name,
        grant_types: options.grantTypes,
        scopes: options.scopes,
        redirect_uris: options.redirectUri,
        web_origins: options.webOrigin,
        public: options.public,
        ...(options.clientId ? { client_id: options.clientId } : {}),
        ...(options.clientSecret ? { client_secret: options.clientSecret } : {}),
        first_party: options.firstParty,
        ...(options.requirePkce === false ? { require_pkce: false } : {}),
        require_dpop: options.requireDpop,
        dpop_nonce: options.dpopNonce,
        require_pushed_authorization_requests: options.requirePar,
        ...(options.refreshTokenIdleTtl === undefined ? {} : { refresh_token_idle_ttl: options.refreshTokenIdleTtl }),
        ...(options.refreshTokenAbsoluteTtl === undefined
          ? {}
          : { refresh_token_absolute_ttl: options.refreshTokenAbsoluteTtl }),
        ...(options.refreshTokenGracePeriod === undefined
          ? {}
          : { refresh_token_grace_period: options.refreshTokenGracePeriod }),
        ...(options.refreshTokenRotation === false ? { refresh_token_rotation: false } : {}),
        ...(options.resource === undefined ? {} : { resources: options.resource }),
        ...(options.defaultResource === undefined ? {} : { default_resource: options.defaultResource }),
        ...(options.introspectsFor === undefined ? {} : { introspects_for: options.introspectsFor }),
        ...keys,
        ...(Object.keys(keys).length === 0 ? {} : { token_endpoint_auth_method: 'private_key_jwt' }),
        ...openIdFields(options),
      }),
    );
  });

  withOpenIdOptions(
    client
      .command('update <clientId>')
      .description(
        "change a client's name, redirect URIs, PKCE requirement or OpenID Connect settings; options left out are kept",
      )
      .option('--name <name>', 'display name')
      .option('--redirect-uri <uri>', 'the redirect URIs (repeatable; replaces the registered ones)', collectGiven)
      .option('--require-pkce', 'authorization requests must carry PKCE')
      .option(
        '--no-require-pkce',
        'a confidential client may send authorization requests without PKCE (RFC 9700 §2.1.1)',
      ),
  ).action(async (clientId: string, options: Record<string, unknown>) => {
    const body = {
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.redirectUri === undefined ? {} : { redirect_uris: options.redirectUri }),
      ...(options.requirePkce === undefined ? {} : { require_pkce: options.requirePkce }),
      ...openIdFields(options),
    };
    if (Object.keys(body).length === 0) throw new Error('nothing to change: give at least one option');
    print(await adminCall(target(), 'PATCH', `/admin/clients/${encodeURIComponent(clientId)}`, body));
  });

  client
    .command('list')
    .description('list clients')
    .action(async () => print(await adminCall(target(), 'GET', '/admin/clients')));

  client
    .command('show <clientId>')
    .description('show one client')
    .action(async (clientId: string) =>
      print(await adminCall(target(), 'GET', `/admin/clients/${encodeURIComponent(clientId)}`)),
    );

  client
    .command('rotate-secret <clientId>')
    .description('replace the secret; prints the new one (shown once)')
    .option('--client-secret <secret>', 'choose the new secret instead of generating one')
    .action(async (clientId: string, options) =>
      print(
        await adminCall(target(), 'POST', `/admin/clients/${encodeURIComponent(clientId)}/rotate-secret`, {
          ...(options.clientSecret ? { client_secret: options.clientSecret } : {}),
        }),
      ),
    );

  client
    .command('set-keys <clientId>')
    .description("replace a client's public keys (key rotation); a client with a secret moves to private_key_jwt")
    .option('--jwks-file <path>', 'a JSON file with the public key set')
    .option('--jwks-uri <url>', 'the https URL of the public key set')
    .action(async (clientId: string, options) =>
      print(await adminCall(target(), 'PATCH', `/admin/clients/${encodeURIComponent(clientId)}`, keyOptions(options))),
    );

  client
    .command('delete <clientId>')
    .description('delete a client; its tokens stop introspecting active')
    .action(async (clientId: string) =>
      print(await adminCall(target(), 'DELETE', `/admin/clients/${encodeURIComponent(clientId)}`)),
    );

  return client;
}
