import { clientSnapshot } from '@grantline/lib-testing';
import { MemoryProjectionStore } from '@grantline/lib-projections';
import { registerClientSchema, updateClientSchema } from '../clients/client-input';
import { registerClient, resourcesNamedBy, updateClient } from '../clients/client-commands';
import { randomIds } from '../clock';
import { OAuthError } from '../errors';
import { deleteResource, registerResource, requireRegisteredResources, updateResource } from './resource-commands';
import { registerResourceSchema, updateResourceSchema } from './resource-input';

const context = { now: () => new Date('2026-01-01T00:00:00Z') };
const ORDERS = 'https://orders.example.test/mcp';

function refusal(run: () => unknown): { status: number; description: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof OAuthError) return { status: error.status, description: error.error_description };
    throw error;
  }
  throw new Error('the command was not refused');
}

describe('resource commands', () => {
  const orders = registerResource(
    registerResourceSchema.parse({ uri: ORDERS, name: 'Orders MCP', scopes: 'orders:read orders:write' }),
    null,
    context,
  ).resource;

  it('registers a resource under a key no client id can take', () => {
    const decision = registerResource(
      registerResourceSchema.parse({ uri: ORDERS, name: ' Orders MCP ', scopes: 'orders:read,orders:read' }),
      null,
      context,
    );
    expect(decision.resource).toEqual({
      uri: ORDERS,
      name: 'Orders MCP',
      scopes: ['orders:read'],
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(decision.event).toMatchObject({
      type: 'ResourceRegistered',
      aggregate: { type: 'resource', id: `resource ${ORDERS}` },
    });
    expect(registerClientSchema.safeParse({ name: 'x', client_id: decision.event.aggregate.id }).success).toBe(false);
  });

  it.each([
    ['a relative reference', '/mcp'],
    ['a URI with a fragment (RFC 8707 §2)', 'https://orders.example.test/mcp#tools'],
    ['no URI at all', 'orders'],
  ])('refuses %s as a resource identifier', (_, uri) => {
    expect(registerResourceSchema.safeParse({ uri, name: 'Orders' }).success).toBe(false);
  });

  it('accepts a URN as a resource identifier', () => {
    expect(registerResourceSchema.safeParse({ uri: 'urn:example:orders', name: 'Orders' }).success).toBe(true);
  });

  it('refuses to register a resource twice, and to change or delete one that does not exist', () => {
    expect(
      refusal(() => registerResource(registerResourceSchema.parse({ uri: ORDERS, name: 'x' }), orders, context)),
    ).toMatchObject({ status: 409 });
    expect(refusal(() => updateResource(updateResourceSchema.parse({ name: 'x' }), null, context))).toMatchObject({
      status: 404,
    });
    expect(refusal(() => deleteResource(null, [], context))).toMatchObject({ status: 404 });
  });

  it('updates the name and scopes, keeping the identifier and creation time', () => {
    const decision = updateResource(updateResourceSchema.parse({ scopes: ['orders:read'] }), orders, context);
    expect(decision.resource).toEqual({ ...orders, scopes: ['orders:read'] });
    expect(decision.event.type).toBe('ResourceUpdated');
  });

  it('refuses to delete a resource a client still names, and deletes it once none does', () => {
    const limited = clientSnapshot({ clientId: 'limited', resources: [ORDERS] });
    const defaulted = clientSnapshot({ clientId: 'defaulted', defaultResource: ORDERS });
    const server = clientSnapshot({ clientId: 'server', introspectsFor: ORDERS });
    expect(refusal(() => deleteResource(orders, [limited, defaulted, server], context))).toEqual({
      status: 409,
      description: `resource ${ORDERS} is still named by clients: limited, defaulted, server`,
    });
    const decision = deleteResource(orders, [clientSnapshot({ clientId: 'other' })], context);
    expect(decision.event).toMatchObject({ type: 'ResourceDeleted', data: { uri: ORDERS } });
  });
});

describe('client resources', () => {
  const register = (input: Record<string, unknown>) =>
    registerClient(registerClientSchema.parse({ name: 'svc', ...input }), null, randomIds, context);

  it('leaves a client unlimited and without a default resource unless told', async () => {
    const { client } = await register({});
    expect(client).toMatchObject({ resources: null, defaultResource: null });
    expect(resourcesNamedBy(client)).toEqual([]);
  });

  it('limits a client to resources and gives it a default among them', async () => {
    const { client } = await register({ resources: [ORDERS, ORDERS, 'urn:example:b'], default_resource: ORDERS });
    expect(client).toMatchObject({ resources: [ORDERS, 'urn:example:b'], defaultResource: ORDERS });
    expect(resourcesNamedBy(client)).toEqual([ORDERS, 'urn:example:b']);
  });

  it('refuses a default resource the client is not limited to', async () => {
    await expect(register({ resources: ['urn:example:b'], default_resource: ORDERS })).rejects.toMatchObject({
      status: 400,
    });
    const { client } = await register({ default_resource: ORDERS });
    expect(
      refusal(() => updateClient(updateClientSchema.parse({ resources: ['urn:example:b'] }), client, context)),
    ).toMatchObject({ status: 400 });
    const lifted = updateClient(updateClientSchema.parse({ resources: null, default_resource: null }), client, context);
    expect(lifted.client).toMatchObject({ resources: null, defaultResource: null });
  });

  it('links a client to the resource it introspects for, and unlinks it', async () => {
    const { client } = await register({ introspects_for: ORDERS });
    expect(client).toMatchObject({ introspectsFor: ORDERS, resources: null });
    expect(resourcesNamedBy(client)).toEqual([ORDERS]);
    const kept = updateClient(updateClientSchema.parse({ name: 'renamed' }), client, context);
    expect(kept.client.introspectsFor).toBe(ORDERS);
    const unlinked = updateClient(updateClientSchema.parse({ introspects_for: null }), client, context);
    expect(unlinked.client.introspectsFor).toBeNull();
    expect(registerClientSchema.safeParse({ name: 'x', introspects_for: 'orders' }).success).toBe(false);
  });

  it('refuses a registration that names a resource nobody registered', async () => {
    const store = new MemoryProjectionStore();
    await store.apply(registerResource(registerResourceSchema.parse({ uri: ORDERS, name: 'O' }), null, context).event, {
      partition: 0,
      offset: '0',
    });
    await expect(requireRegisteredResources(store, [ORDERS])).resolves.toBeUndefined();
    await expect(requireRegisteredResources(store, [ORDERS, 'urn:example:nobody'])).rejects.toMatchObject({
      status: 400,
      error_description: 'no such resource: urn:example:nobody',
    });
  });
});
