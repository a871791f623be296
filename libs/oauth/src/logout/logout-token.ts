import { SignJWT } from 'jose';
import type { ClientRecord } from '@grantline/lib-projections';
import { epochSeconds } from '../clock';
import type { OAuthContext } from '../oauth-context';
import { idTokenSigner } from '../openid/id-token';
import { openIdSubject } from '../openid/subject';

/** Back-Channel Logout 1.0 §2.4: the event a logout token carries. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** A logout token is used at once; two minutes cover clock skew between us and the client. */
const LOGOUT_TOKEN_SECONDS = 2 * 60;

/**
 * Signs a logout token for one client (Back-Channel Logout 1.0 §2.4): typed `logout+jwt`, signed
 * with the key that signs the client's ID tokens (idTokenSigner), naming the session and the client's `sub` for the
 * person, and never a `nonce` (§2.4: that is how it cannot pass for an ID token).
 */
export async function signLogoutToken(
  context: Pick<OAuthContext, 'keys' | 'settings' | 'clock' | 'ids'>,
  client: Pick<ClientRecord, 'clientId' | 'openid' | 'redirectUris'>,
  userId: string,
  sessionId: string,
): Promise<string> {
  const key = idTokenSigner(context.keys, client);
  const now = epochSeconds(context.clock);
  return new SignJWT({
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    sid: sessionId,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'logout+jwt' })
    .setIssuer(context.settings.issuer)
    .setSubject(openIdSubject(client, userId, context.settings.openid.pairwiseSalt))
    .setAudience(client.clientId)
    .setIssuedAt(now)
    .setExpirationTime(now + LOGOUT_TOKEN_SECONDS)
    .setJti(context.ids.tokenId())
    .sign(key.privateKey);
}
