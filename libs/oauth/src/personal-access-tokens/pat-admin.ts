import type { EventContext } from '@grantline/lib-events';
import type { UserRecord } from '@grantline/lib-projections';
import { commandRefused, OAuthError } from '../errors';
import type { PersonalAccessTokenContext } from './pat-context';
import {
  createPersonalAccessToken,
  findOwnedPersonalAccessToken,
  listPersonalAccessTokens,
  revokePersonalAccessToken,
} from './pat-commands';
import { createdView, type PersonalAccessTokenView } from './pat-decisions';
import { creationInputSchema, tokenIdSchema } from './pat-input';

const ADMIN = { kind: 'admin' } as const;

/**
 * An operator creates a token for a user, who must exist and be enabled. The scopes must be
 * offered ones or the scope for managing tokens; the body is checked by the same schema as
 * the public API's (a ZodError is the admin API's 400).
 */
export async function adminCreatePersonalAccessToken(
  context: PersonalAccessTokenContext,
  events: EventContext,
  userId: string,
  body: unknown,
): Promise<ReturnType<typeof createdView>> {
  const input = creationInputSchema(context.settings.personalAccessTokens).parse(body);
  const user = await requireUser(context, userId);
  if (user.disabled) throw commandRefused(409, 'the user is disabled');
  try {
    return createdView(await createPersonalAccessToken(context, events, { userId: user.userId, input, actor: ADMIN }));
  } catch (error) {
    // The scope rules are the public API's; here their refusal is a plain 400.
    if (error instanceof OAuthError && error.status === 400) {
      throw commandRefused(400, error.error_description);
    }
    throw error;
  }
}

export async function adminListPersonalAccessTokens(
  context: PersonalAccessTokenContext,
  userId: string,
): Promise<{ personal_access_tokens: PersonalAccessTokenView[] }> {
  const user = await requireUser(context, userId);
  return { personal_access_tokens: await listPersonalAccessTokens(context, user.userId) };
}

/** Revokes any user's unexpired token; again on a revoked one records nothing. */
export async function adminRevokePersonalAccessToken(
  context: PersonalAccessTokenContext,
  events: EventContext,
  id: string,
): Promise<void> {
  const tokenId = tokenIdSchema.safeParse(id);
  const snapshot = tokenId.success ? await findOwnedPersonalAccessToken(context, tokenId.data, null) : null;
  if (!snapshot) throw commandRefused(404, 'no such personal access token');
  await revokePersonalAccessToken(context, events, snapshot, ADMIN);
}

async function requireUser(context: PersonalAccessTokenContext, userId: string): Promise<UserRecord> {
  const user = await context.store.getUser(userId);
  if (!user) throw commandRefused(404, 'no such user');
  return user;
}
