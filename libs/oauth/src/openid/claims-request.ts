import { z } from 'zod';

/** Core §5.5.1: one requested claim: null (asked for, voluntary) or how it is asked for. */
const claimRequestSchema = z.union([
  z.null(),
  z
    .object({
      essential: z.boolean().optional(),
      value: z.unknown().optional(),
      values: z.array(z.unknown()).optional(),
    })
    .passthrough(),
]);

const claimsByNameSchema = z.record(z.string().min(1), claimRequestSchema);

/** Core §5.5: the `claims` request parameter; members other than these two are ignored. */
export const claimsRequestSchema = z.object({
  userinfo: claimsByNameSchema.optional(),
  id_token: claimsByNameSchema.optional(),
});
export type ClaimsRequest = z.infer<typeof claimsRequestSchema>;
export type ClaimRequest = z.infer<typeof claimRequestSchema>;

/** Parses the `claims` parameter's JSON; null when it is not JSON or not shaped as §5.5 says. */
export function parseClaimsRequest(text: string): ClaimsRequest | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = claimsRequestSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
