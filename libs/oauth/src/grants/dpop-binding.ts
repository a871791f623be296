import type { AuthenticatedClient } from '../client-authentication';
import type { VerifiedProof } from '../dpop/dpop-proof';

/**
 * RFC 9449 §5: refresh tokens of public clients are bound to the DPoP key of the request that
 * obtained them; a confidential client's are bound to its authentication instead.
 */
export function refreshBinding(client: AuthenticatedClient, dpop: VerifiedProof | undefined): { jkt?: string } {
  return client.client.public && dpop ? { jkt: dpop.jkt } : {};
}
