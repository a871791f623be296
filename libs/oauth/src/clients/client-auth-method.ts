import type { ClientRecord } from '@grantline/lib-projections';

/**
 * How a client proves who it is at the token endpoint, as RFC 7591 §2 names it. A client with a
 * secret may send it either way (`client_secret_basic` or `client_secret_post`); the record
 * names the first, the default of RFC 7591.
 */
export type RegisteredAuthMethod = 'client_secret_basic' | 'private_key_jwt' | 'none';

/** The method a client's credentials imply: its record holds a secret, its keys, or nothing. */
export function clientAuthMethodOf(client: ClientRecord): RegisteredAuthMethod {
  if (client.public) return 'none';
  return client.secretHash === null ? 'private_key_jwt' : 'client_secret_basic';
}
