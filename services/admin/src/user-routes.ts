import { Router, type Request } from 'express';
import { jsonBody } from '@grantline/lib-runtime';
import { handle } from './admin-handler';
import {
  awaitingProjection,
  commandRefused,
  changePassword,
  changeUserProfile,
  createUserSchema,
  disableUser,
  enableUser,
  generateUserId,
  publicUserView,
  recordDecision,
  registerUser,
  setPasswordSchema,
  updateUserSchema,
  withdrawConsent,
} from '@grantline/lib-oauth';
import type { GrantlineEvent } from '@grantline/lib-events';
import type { UserRecord } from '@grantline/lib-projections';
import type { AdminDependencies } from './client-routes';

/**
 * /admin/users: create, list, show, change the name, email or profile, set the password,
 * disable, enable, and show or withdraw
 * a user's remembered consent for a client. Passwords arrive only in request bodies and
 * leave only as hashes in events; no reply or log line contains one.
 */
export function userRoutes(deps: AdminDependencies): Router {
  const { store } = deps;
  const router = Router();
  router.use('/admin/users', jsonBody({ limit: '16kb' }));
  const context = (req: Request) => ({
    now: deps.now,
    causationId: String(req.headers['x-request-id'] ?? '') || undefined,
  });
  /** Records the event and answers once the projection shows the change; returns what it then read. */
  const record = <T>(event: GrantlineEvent, read: () => Promise<T>, until: (value: T) => boolean) =>
    recordDecision(
      deps,
      awaitingProjection([event], {
        read,
        until,
        unseen: () => commandRefused(504, 'the change is recorded but not yet visible; retry the read'),
      }),
    );
  const recordUser = (event: GrantlineEvent, userId: string, until: (record: UserRecord | null) => boolean) =>
    record(event, () => store.getUser(userId), until);
  const requireUser = async (userId: string) => {
    const user = await store.getUser(userId);
    if (!user) throw commandRefused(404, 'no such user');
    return user;
  };

  router.get(
    '/admin/users',
    handle(deps.logger, async () => {
      const users = (await store.listUsers()).sort((a, b) => a.userId.localeCompare(b.userId));
      return { status: 200, body: { users: users.map(publicUserView) } };
    }),
  );

  router.get(
    '/admin/users/:id',
    handle(deps.logger, async (req) => ({
      status: 200,
      body: publicUserView(await requireUser(String(req.params.id))),
    })),
  );

  router.post(
    '/admin/users',
    handle(deps.logger, async (req) => {
      const input = createUserSchema.parse(req.body);
      const decision = await registerUser(
        input,
        await store.findUserByEmail(input.email),
        generateUserId,
        context(req),
      );
      const { userId } = decision.user;
      // Two concurrent registrations can both find the address free; the projection gives it
      // to the first one applied, and the other account is disabled again and refused.
      const seen = await record(
        decision.event,
        async () => ({ user: await store.getUser(userId), owner: await store.findUserByEmail(input.email) }),
        ({ user, owner }) => user !== null && owner !== null,
      );
      if (seen?.owner?.userId !== userId) {
        const orphan = disableUser(decision.user, context(req));
        await recordDecision(deps, { events: [orphan.event] });
        throw commandRefused(409, 'a user with this email already exists');
      }
      return { status: 201, body: publicUserView(decision.user) };
    }),
  );

  router.patch(
    '/admin/users/:id',
    handle(deps.logger, async (req) => {
      const input = updateUserSchema.parse(req.body ?? {});
      const existing = await store.getUser(String(req.params.id));
      const decision = changeUserProfile(
        input,
        existing,
        input.email === undefined ? null : await store.findUserByEmail(input.email),
        context(req),
      );
      if (decision.event === null) return { status: 200, body: publicUserView(decision.user) };
      const { userId, email, updatedAt } = decision.user;
      const seen = await record(
        decision.event,
        async () => ({ user: await store.getUser(userId), owner: await store.findUserByEmail(email) }),
        ({ user }) => user?.updatedAt === updatedAt,
      );
      // Two accounts that moved to the same free address at once both hold it; the one the
      // address does not sign in goes back to its previous address and is refused.
      if (existing && existing.email !== email && seen?.owner?.userId !== userId) {
        const previous = { email: existing.email, email_verified: existing.profile.emailVerified };
        const back = changeUserProfile(previous, seen?.user ?? decision.user, null, context(req));
        if (back.event) await recordDecision(deps, { events: [back.event] });
        throw commandRefused(409, 'a user with this email already exists');
      }
      return { status: 200, body: publicUserView(decision.user) };
    }),
  );

  router.post(
    '/admin/users/:id/password',
    handle(deps.logger, async (req) => {
      const input = setPasswordSchema.parse(req.body ?? {});
      const decision = await changePassword(input.password, await store.getUser(String(req.params.id)), context(req));
      await recordUser(
        decision.event,
        decision.user.userId,
        (record) => record?.passwordHash === decision.user.passwordHash,
      );
      return { status: 204 };
    }),
  );

  router.post(
    '/admin/users/:id/disable',
    handle(deps.logger, async (req) => {
      const decision = disableUser(await store.getUser(String(req.params.id)), context(req));
      await recordUser(decision.event, decision.user.userId, (record) => record?.disabled === true);
      return { status: 200, body: publicUserView(decision.user) };
    }),
  );

  router.post(
    '/admin/users/:id/enable',
    handle(deps.logger, async (req) => {
      const decision = enableUser(await store.getUser(String(req.params.id)), context(req));
      // An account refused at registration because another one holds its address stays off.
      if ((await store.findUserByEmail(decision.user.email))?.userId !== decision.user.userId) {
        throw commandRefused(409, 'another user holds this email');
      }
      await recordUser(decision.event, decision.user.userId, (record) => record?.disabled === false);
      return { status: 200, body: publicUserView(decision.user) };
    }),
  );

  router.get(
    '/admin/users/:id/consents/:clientId',
    handle(deps.logger, async (req) => {
      const user = await requireUser(String(req.params.id));
      const scopes = await store.getConsent(user.userId, String(req.params.clientId));
      if (scopes === null) throw commandRefused(404, 'no consent recorded for this user and client');
      return { status: 200, body: { scopes } };
    }),
  );

  router.delete(
    '/admin/users/:id/consents/:clientId',
    handle(deps.logger, async (req) => {
      const user = await requireUser(String(req.params.id));
      const clientId = String(req.params.clientId);
      const decision = withdrawConsent(
        user.userId,
        clientId,
        await store.getConsent(user.userId, clientId),
        context(req),
      );
      await record(
        decision.event,
        () => store.getConsent(user.userId, clientId),
        (scopes) => scopes === null,
      );
      return { status: 204 };
    }),
  );

  return router;
}
