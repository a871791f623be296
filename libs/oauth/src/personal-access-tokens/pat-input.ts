import { z } from 'zod';
import { invalidRequest, invalidScope } from '../errors';
import type { OAuthSettings } from '../oauth-context';
import { parseScope } from '../scopes';

/** The scope that lets a personal access token create, list and revoke personal access tokens. */
export const PERSONAL_ACCESS_TOKENS_SCOPE = 'personal-access-tokens';

/** The `client_id` claim of every personal access token: it was issued to its user, not to a client. */
export const PERSONAL_ACCESS_TOKEN_CLIENT_ID = 'personal-access-token';

/** One character a display name may not hold. */
export const UNPRINTABLE_CHARACTER = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/**
 * A display name: trimmed, 1 to 100 characters, none of them control, format (zero-width,
 * bidirectional overrides), surrogate or line-separator characters.
 */
const name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((value) => !UNPRINTABLE_CHARACTER.test(value), 'must contain printable characters only');

/**
 * An array of scope tokens, or one space-delimited string as RFC 6749 §3.3 spells a scope.
 * Token syntax is checked by `parseScope`, the one home of that rule.
 */
const scopes = z.union([z.string().max(2000), z.array(z.string().max(200)).max(50)]).transform((value, context) => {
  const oneTokenEach = typeof value === 'string' || value.every((token) => token !== '' && !token.includes(' '));
  const parsed = oneTokenEach ? scopeTokens(typeof value === 'string' ? value : value.join(' ')) : null;
  if (parsed) return parsed;
  context.addIssue({ code: 'custom', message: 'must be scope tokens (RFC 6749 §3.3)' });
  return z.NEVER;
});

/** `parseScope`'s verdict as a value: the tokens, or null when malformed. */
function scopeTokens(raw: string): string[] | null {
  try {
    return parseScope(raw) ?? [];
  } catch {
    return null;
  }
}

/** The body of a creation request, for the API and the admin API alike; `expires_in` is in seconds. */
export function creationInputSchema(limits: OAuthSettings['personalAccessTokens']) {
  return z
    .object({
      name,
      scopes,
      expires_in: z
        .number()
        .int()
        .positive()
        .max(limits.maxTtlSeconds, `must be at most ${limits.maxTtlSeconds} seconds`)
        .nullish(),
    })
    .strict()
    .transform((input) => ({
      name: input.name,
      scopes: input.scopes,
      expiresInSeconds: input.expires_in ?? limits.defaultTtlSeconds,
    }));
}
export type CreationInput = z.output<ReturnType<typeof creationInputSchema>>;

/**
 * Parses a creation request for the public API. A malformed scope is invalid_scope (RFC 6749
 * §5.2), anything else invalid_request; the description names the field.
 */
export function parseCreationInput(body: unknown, limits: OAuthSettings['personalAccessTokens']): CreationInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The body must be a JSON object');
  }
  const parsed = creationInputSchema(limits).safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'body';
  const description = `${field}: ${issue?.message ?? 'is invalid'}`;
  if (field === 'scopes') throw invalidScope(description);
  throw invalidRequest(description);
}

/** A token id as it appears in a path; anything else cannot name a token. */
export const tokenIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
