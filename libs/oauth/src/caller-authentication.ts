import { verifyClientCredentials, type AuthenticatedClient, type PresentedCredentials } from './client-authentication';
import type { ClientRecord } from '@grantline/lib-projections';
import type { OAuthContext } from './oauth-context';

/**
 * Authenticates the caller of introspection or revocation from the record read alongside the
 * token. Null when no credentials were presented; a public client's bare client_id does not
 * count as authentication here.
 */
export async function authenticatedCaller(
  context: OAuthContext,
  credentials: PresentedCredentials | null,
  record: ClientRecord | null,
): Promise<AuthenticatedClient | null> {
  if (!credentials) return null;
  const caller = await verifyClientCredentials(credentials, record, context.secrets);
  return caller.method === 'none' ? null : caller;
}
