import { z } from 'zod';
import { normaliseEmail } from '@grantline/lib-projections';

/** Compared and stored lower-cased and trimmed, exactly as the projection indexes it. */
const email = z.string().transform(normaliseEmail).pipe(z.email().max(254));

/** Kept verbatim: never trimmed or case-folded. */
const password = z.string().min(8).max(1024);

/** Admin API and CLI input for creating a user account. */
export const createUserSchema = z
  .object({
    email,
    name: z.string().trim().min(1).max(200),
    password,
  })
  .strict();
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const setPasswordSchema = z.object({ password }).strict();
export type SetPasswordInput = z.infer<typeof setPasswordSchema>;
