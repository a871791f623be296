import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { sessionIdSchema } from '@grantline/lib-events';
import { epochSeconds, sessionEndOf, type OAuthContext } from '@grantline/lib-oauth';
import type { UserRecord } from '@grantline/lib-projections';

const SESSION_COOKIE = 'grantline_session';
const CSRF_COOKIE = 'grantline_csrf';
/** How long a sign-in or consent form stays valid. */
const INTERACTION_TTL_SECONDS = 10 * 60;

const sessionSchema = z.object({
  uid: z.string().min(1),
  auth_time: z.number().int(),
  /** Fingerprint of the password the user signed in with: changing the password ends the session. */
  pwd: z.string().min(1),
  /** The session's id (OpenID Connect `sid`); absent in sessions sealed before sessions had ids. */
  sid: sessionIdSchema.optional(),
  /** How the person authenticated (RFC 8176). */
  amr: z.array(z.string().min(1)).min(1).default(['pwd']),
});
export type BrowserSession = z.infer<typeof sessionSchema>;

/** A session about to be sealed into the cookie, with its end. */
export interface NewSession {
  session: BrowserSession & { sid: string };
  expiresAt: number;
}

const interactionSchema = z.object({
  /** The authorization request's query string, checked again when the form comes back. */
  q: z.string(),
  /** The parameters came from a pushed authorization request (RFC 9126), checked as such. */
  pushed: z.literal(true).optional(),
  /** Bound to the browser's CSRF cookie. */
  csrf: z.string().min(1),
  /** On the consent form: the user who was asked. */
  uid: z.string().optional(),
  /** On the device verification forms: the device authorization the person is deciding. */
  did: z.string().optional(),
});
export type Interaction = z.infer<typeof interactionSchema>;

/**
 * What the authorization pages keep in the browser: a sealed session (nothing readable in it)
 * and a CSRF nonce. Every form carries a sealed interaction bound to that nonce, so a form
 * posted from another site, or without the cookie, is refused.
 */
export class BrowserState {
  private readonly secure: boolean;

  constructor(private readonly context: OAuthContext) {
    this.secure = context.settings.issuer.startsWith('https:');
  }

  /**
   * The browser's session, unless it ended (logout, an operator, a new sign-in): one projection
   * read when the cookie names a session id. A session sealed before sessions had ids cannot be
   * named, so it holds until it expires.
   */
  async readSession(req: Request): Promise<BrowserSession | null> {
    const sealed = cookieOf(req, SESSION_COOKIE);
    if (!sealed) return null;
    const payload = await this.context.artifacts.open('session', sealed, this.now());
    const parsed = sessionSchema.safeParse(payload);
    if (!parsed.success) return null;
    const { sid } = parsed.data;
    if (sid !== undefined && (await sessionEndOf(this.context.store, sid)) !== null) return null;
    return parsed.data;
  }

  /** A new session for the user, not yet in the browser (see keepSession). */
  newSession(user: UserRecord): NewSession {
    const now = this.now();
    const session = {
      uid: user.userId,
      auth_time: now,
      pwd: passwordFingerprint(user),
      sid: randomBytes(24).toString('base64url'),
      amr: ['pwd'],
    };
    return { session, expiresAt: now + this.context.settings.sessionTtlSeconds };
  }

  /** Seals the session into the browser's cookie. */
  async keepSession(res: Response, { session, expiresAt }: NewSession): Promise<void> {
    const sealed = await this.context.artifacts.seal('session', session, expiresAt);
    res.cookie(SESSION_COOKIE, sealed, this.cookieOptions(Math.max(expiresAt - this.now(), 1)));
  }

  /** Removes the session cookie (logout). */
  clearSession(res: Response): void {
    res.clearCookie(SESSION_COOKIE, this.cookieOptions());
  }

  /** The browser's CSRF nonce, created on first use. */
  csrfNonce(req: Request, res: Response): string {
    const existing = cookieOf(req, CSRF_COOKIE);
    if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
    const nonce = randomBytes(32).toString('base64url');
    res.cookie(CSRF_COOKIE, nonce, this.cookieOptions());
    return nonce;
  }

  /** This browser's id for rate limits: its CSRF nonce, if it has one yet. */
  browserId(req: Request): string | undefined {
    return cookieOf(req, CSRF_COOKIE);
  }

  async sealInteraction(interaction: Interaction): Promise<string> {
    return this.context.artifacts.seal('interaction', interaction, this.now() + INTERACTION_TTL_SECONDS);
  }

  /**
   * The interaction a form carried, if it is ours, unexpired, and bound to this browser's
   * CSRF cookie (and the form's csrf_token repeats it). Null means: refuse the form.
   */
  async openInteraction(req: Request): Promise<Interaction | null> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const cookie = cookieOf(req, CSRF_COOKIE);
    const site = req.get('sec-fetch-site');
    if (!cookie || (site !== undefined && site !== 'same-origin' && site !== 'none')) return null;
    if (typeof body.interaction !== 'string' || typeof body.csrf_token !== 'string') return null;
    const payload = await this.context.artifacts.open('interaction', body.interaction, this.now());
    const parsed = interactionSchema.safeParse(payload);
    if (!parsed.success) return null;
    return same(parsed.data.csrf, cookie) && same(body.csrf_token, cookie) ? parsed.data : null;
  }

  private cookieOptions(maxAgeSeconds?: number) {
    return {
      httpOnly: true,
      secure: this.secure,
      sameSite: 'lax' as const,
      path: '/',
      ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds * 1000 }),
    };
  }

  private now(): number {
    return epochSeconds(this.context.clock);
  }
}

/** Whether the session still belongs to this user as they are now: present, enabled, same password. */
export function sessionHolds(session: BrowserSession, user: UserRecord | null): user is UserRecord {
  return user !== null && !user.disabled && user.userId === session.uid && same(session.pwd, passwordFingerprint(user));
}

function passwordFingerprint(user: UserRecord): string {
  return createHash('sha256').update(user.passwordHash).digest('base64url').slice(0, 22);
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Reads one cookie from the Cookie header (RFC 6265 §5.4); values we set are base64url. */
function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}
