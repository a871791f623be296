import type { z } from 'zod';
import type { ClientRecord } from '@grantline/lib-projections';
import type { GrantType } from '@grantline/lib-events';
import type { AuthenticatedClient } from '../client-authentication';
import type { OAuthRequest } from '../http-types';
import type { OAuthContext } from '../oauth-context';
import type { VerifiedProof } from '../dpop/dpop-proof';
import type { Decision } from '../recording/decision';

/** The decision to record (durably, before `body` is sent) and the answer it allows. */
export interface GrantOutcome extends Decision<never> {
  body: Record<string, unknown>;
}

/** One grant type: which parameters it accepts and how it turns them into tokens. */
export interface GrantHandler<Schema extends z.ZodType = z.ZodType> {
  grantType: GrantType;
  /** Parameters beyond grant_type and client credentials; anything unlisted is dropped. */
  params: Schema;
  /** Whether public clients (authentication method `none`) may use this grant. */
  allowsPublicClients: boolean;
  /**
   * RFC 7521 §4.1: for a grant whose assertion is itself the proof, the client a request without
   * client credentials is for (it then counts as authenticated with `none`). Absent: such a
   * request is refused with invalid_client.
   */
  clientWithoutAuthentication?: (context: OAuthContext, form: ReadonlyMap<string, string>) => Promise<ClientRecord>;
  handle(input: {
    context: OAuthContext;
    request: OAuthRequest;
    client: AuthenticatedClient;
    params: z.infer<Schema>;
    /** The request's `resource` parameters (RFC 8707 §2), in order; empty when it named none. */
    resources: readonly string[];
    /** The request's verified DPoP proof (RFC 9449), if it carried one. */
    dpop?: VerifiedProof;
  }): Promise<GrantOutcome>;
}
