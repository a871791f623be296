import { Router, type Request } from 'express';
import { jsonBody } from '@grantline/lib-runtime';
import { handle } from './admin-handler';
import type { EventLog } from '@grantline/lib-event-log';
import {
  awaitingProjection,
  commandRefused,
  deleteClient,
  publicView,
  registerClient,
  registerClientSchema,
  rotateClientSecret,
  rotateSecretSchema,
  updateClient,
  updateClientSchema,
  recordDecision,
  redirectUriWarnings,
  requireRegisteredResources,
  resourcesNamedBy,
  openIdSettingsRefusal,
  type IdSource,
  type OAuthContext,
  type OAuthSettings,
  type PersonalAccessTokenSettings,
  type SessionEndContext,
} from '@grantline/lib-oauth';
import type { GrantlineEvent } from '@grantline/lib-events';
import type { ClientRecord, ProjectionStore } from '@grantline/lib-projections';
import type { Logger } from '@grantline/lib-http';

export interface AdminDependencies {
  log: EventLog;
  store: ProjectionStore;
  ids: IdSource;
  now: () => Date;
  logger: Logger;
  /** Sign the personal access tokens the admin API mints. */
  keys: OAuthContext['keys'];
  /** What minting personal access tokens, ending sessions and checking OpenID Connect clients read. */
  tokenSettings: PersonalAccessTokenSettings & SessionEndContext['settings'] & Pick<OAuthSettings, 'openid'>;
}

/** Advice on a registration that is accepted all the same (RFC 8252 §7.1 schemes); absent when there is none. */
function warnings(client: ClientRecord): { warnings?: string[] } {
  const found = redirectUriWarnings(client.redirectUris);
  return found.length === 0 ? {} : { warnings: found };
}

/** A client's OpenID Connect settings fit what this server offers (see openIdSettingsRefusal); 400 otherwise. */
function requireServableOpenId(client: ClientRecord, deps: AdminDependencies): void {
  const refusal = openIdSettingsRefusal(client, {
    algorithms: deps.keys.algorithms(),
    pairwiseSalt: deps.tokenSettings.openid.pairwiseSalt,
  });
  if (refusal !== null) throw commandRefused(400, refusal);
}

/** /admin/clients: register, list, show, update, rotate the secret, delete. */
export function clientRoutes(deps: AdminDependencies): Router {
  const { store, ids } = deps;
  const router = Router();
  router.use(jsonBody({ limit: '16kb' }));
  const context = (req: Request) => ({
    now: deps.now,
    causationId: String(req.headers['x-request-id'] ?? '') || undefined,
  });
  /** Records the event and answers once the projection shows the client as `expected`. */
  const record = (event: GrantlineEvent, clientId: string, expected: (record: ClientRecord | null) => boolean) =>
    recordDecision(
      deps,
      awaitingProjection([event], {
        read: () => store.getClient(clientId),
        until: expected,
        unseen: () => commandRefused(504, 'the change is recorded but not yet visible; retry the read'),
      }),
    );

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
      requireServableOpenId(decision.client, deps);
      await requireRegisteredResources(store, resourcesNamedBy(decision.client));
      await record(
        decision.event,
        decision.client.clientId,
        (client) => client?.createdAt === decision.client.createdAt,
      );
      return {
        status: 201,
        body: { ...publicView(decision.client), client_secret: decision.secret, ...warnings(decision.client) },
      };
    }),
  );

  router.patch(
    '/admin/clients/:id',
    handle(deps.logger, async (req) => {
      const input = updateClientSchema.parse(req.body);
      const decision = updateClient(input, await store.getClient(String(req.params.id)), context(req));
      requireServableOpenId(decision.client, deps);
      await requireRegisteredResources(store, resourcesNamedBy(decision.client));
      const expected = JSON.stringify(decision.client);
      await record(decision.event, decision.client.clientId, (client) => JSON.stringify(client) === expected);
      return { status: 200, body: { ...publicView(decision.client), ...warnings(decision.client) } };
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
      await record(
        decision.event,
        decision.client.clientId,
        (client) => client?.secretHash === decision.client.secretHash,
      );
      return { status: 200, body: { ...publicView(decision.client), client_secret: decision.secret } };
    }),
  );

  router.delete(
    '/admin/clients/:id',
    handle(deps.logger, async (req) => {
      const clientId = String(req.params.id);
      const decision = deleteClient(await store.getClient(clientId), context(req));
      await record(decision.event, clientId, (client) => client === null);
      return { status: 200, body: { client_id: clientId, deleted: true } };
    }),
  );

  return router;
}
