import express, { Router, type Request } from 'express';
import { handle } from './admin-handler';
import type { EventLog } from '@grantline/lib-event-log';
import {
  commandRefused,
  deleteClient,
  publicView,
  registerClient,
  registerClientSchema,
  rotateClientSecret,
  rotateSecretSchema,
  updateClient,
  updateClientSchema,
  type IdSource,
  type OAuthContext,
  type PersonalAccessTokenSettings,
} from '@grantline/lib-oauth';
import { waitForClient, type ClientRecord, type ProjectionStore } from '@grantline/lib-projections';
import type { Logger } from '@grantline/lib-http';

export interface AdminDependencies {
  log: EventLog;
  store: ProjectionStore;
  ids: IdSource;
  now: () => Date;
  logger: Logger;
  /** Sign the personal access tokens the admin API mints. */
  keys: OAuthContext['keys'];
  tokenSettings: PersonalAccessTokenSettings;
}

/** /admin/clients: register, list, show, update, rotate the secret, delete. */
export function clientRoutes(deps: AdminDependencies): Router {
  const { log, store, ids } = deps;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));
  const context = (req: Request) => ({
    now: deps.now,
    causationId: String(req.headers['x-request-id'] ?? '') || undefined,
  });
  const settle = async (clientId: string, expected: (record: ClientRecord | null) => boolean) => {
    if (!(await waitForClient(store, clientId, expected))) {
      throw commandRefused(504, 'the change is recorded but not yet visible; retry the read');
    }
  };

  router.get(
    '/admin/clients',
    handle(deps.logger, async () => ({
      status: 200,
      body: { clients: (await store.listClients()).map(publicView) },
    })),
  );

  router.get(
    '/admin/clients/:id',
    handle(deps.logger, async (req) => {
      const client = await store.getClient(String(req.params.id));
      if (!client) throw commandRefused(404, 'no such client');
      return { status: 200, body: publicView(client) };
    }),
  );

  router.post(
    '/admin/clients',
    handle(deps.logger, async (req) => {
      const input = registerClientSchema.parse(req.body);
      const existing = input.client_id ? await store.getClient(input.client_id) : null;
      const decision = await registerClient(input, existing, ids, context(req));
      await log.append([decision.event]);
      await settle(decision.client.clientId, (record) => record?.createdAt === decision.client.createdAt);
      return { status: 201, body: { ...publicView(decision.client), client_secret: decision.secret } };
    }),
  );

  router.patch(
    '/admin/clients/:id',
    handle(deps.logger, async (req) => {
      const input = updateClientSchema.parse(req.body);
      const decision = updateClient(input, await store.getClient(String(req.params.id)), context(req));
      await log.append([decision.event]);
      const expected = JSON.stringify(decision.client);
      await settle(decision.client.clientId, (record) => JSON.stringify(record) === expected);
      return { status: 200, body: publicView(decision.client) };
    }),
  );

  router.post(
    '/admin/clients/:id/rotate-secret',
    handle(deps.logger, async (req) => {
      const input = rotateSecretSchema.parse(req.body ?? {});
      const decision = await rotateClientSecret(
        input.client_secret,
        await store.getClient(String(req.params.id)),
        ids,
        context(req),
      );
      await log.append([decision.event]);
      await settle(decision.client.clientId, (record) => record?.secretHash === decision.client.secretHash);
      return { status: 200, body: { ...publicView(decision.client), client_secret: decision.secret } };
    }),
  );

  router.delete(
    '/admin/clients/:id',
    handle(deps.logger, async (req) => {
      const clientId = String(req.params.id);
      const decision = deleteClient(await store.getClient(clientId), context(req));
      await log.append([decision.event]);
      await settle(clientId, (record) => record === null);
      return { status: 200, body: { client_id: clientId, deleted: true } };
    }),
  );

  return router;
}
