import { Router, type Request } from 'express';
import { jsonBody } from '@grantline/lib-runtime';
import {
  awaitingProjection,
  commandRefused,
  deleteResource,
  recordDecision,
  registerResource,
  registerResourceSchema,
  resourceView,
  updateResource,
  updateResourceSchema,
} from '@grantline/lib-oauth';
import type { GrantlineEvent } from '@grantline/lib-events';
import { listResources, readResource, type ResourceRecord } from '@grantline/lib-projections';
import { handle } from './admin-handler';
import type { AdminDependencies } from './client-routes';

/**
 * /admin/resources: register, list, show, update, delete the resources (RFC 8707) tokens may
 * be issued for. A resource is named in the path by its identifier, percent-encoded.
 */
export function resourceRoutes(deps: AdminDependencies): Router {
  const { store } = deps;
  const router = Router();
  router.use(jsonBody({ limit: '16kb' }));
  const context = (req: Request) => ({
    now: deps.now,
    causationId: String(req.headers['x-request-id'] ?? '') || undefined,
  });
  /** Records the event and answers once the projection shows the resource as `expected`. */
  const record = (event: GrantlineEvent, uri: string, expected: (record: ResourceRecord | null) => boolean) =>
    recordDecision(
      deps,
      awaitingProjection([event], {
        read: () => readResource(store, uri),
        until: expected,
        unseen: () => commandRefused(504, 'the change is recorded but not yet visible; retry the read'),
      }),
    );
  const sameAs = (resource: ResourceRecord) => (seen: ResourceRecord | null) =>
    JSON.stringify(seen) === JSON.stringify(resource);

  router.get(
    '/admin/resources',
    handle(deps.logger, async () => ({
      status: 200,
      body: { resources: (await listResources(store)).map(resourceView) },
    })),
  );

  router.get(
    '/admin/resources/:uri',
    handle(deps.logger, async (req) => {
      const resource = await readResource(store, String(req.params.uri));
      if (!resource) throw commandRefused(404, 'no such resource');
      return { status: 200, body: resourceView(resource) };
    }),
  );

  router.post(
    '/admin/resources',
    handle(deps.logger, async (req) => {
      const input = registerResourceSchema.parse(req.body);
      const decision = registerResource(input, await readResource(store, input.uri), context(req));
      await record(decision.event, decision.resource.uri, sameAs(decision.resource));
      return { status: 201, body: resourceView(decision.resource) };
    }),
  );

  router.patch(
    '/admin/resources/:uri',
    handle(deps.logger, async (req) => {
      const input = updateResourceSchema.parse(req.body);
      const decision = updateResource(input, await readResource(store, String(req.params.uri)), context(req));
      await record(decision.event, decision.resource.uri, sameAs(decision.resource));
      return { status: 200, body: resourceView(decision.resource) };
    }),
  );

  router.delete(
    '/admin/resources/:uri',
    handle(deps.logger, async (req) => {
      const uri = String(req.params.uri);
      const decision = deleteResource(await readResource(store, uri), await store.listClients(), context(req));
      await record(decision.event, uri, (resource) => resource === null);
      return { status: 200, body: { uri, deleted: true } };
    }),
  );

  return router;
}
