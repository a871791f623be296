import { randomBytes } from 'node:crypto';
import type { EventLog } from '@grantline/lib-event-log';
import { DEVICE_CODE_GRANT, type GrantlineEvent } from '@grantline/lib-events';
import {
  createUserSchema,
  generateUserId,
  randomIds,
  recordDecision,
  registerClient,
  registerClientSchema,
  registerUser,
} from '@grantline/lib-oauth';
import type { ProjectionStore } from '@grantline/lib-projections';

/** What a first start creates, with the secrets shown only then. */
export interface DemoData {
  client: { client_id: string; client_secret: string };
  spaClient: { client_id: string; redirect_uris: string[]; web_origins: string[] };
  deviceClient: { client_id: string };
  user: { email: string; password: string };
}

const SPA_REDIRECTS = ['http://127.0.0.1/oauth/callback', 'http://localhost:5173/oauth/callback'];
const SPA_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

/**
 * On the very first start (no clients yet): a confidential client for server-to-server and
 * web-backend use, a public client for browser apps (the loopback redirect takes any port,
 * RFC 8252 §7.3), a public client for devices (RFC 8628), and a user to sign in with.
 */
export async function ensureDemoData(log: EventLog, store: ProjectionStore): Promise<DemoData | undefined> {
  if ((await store.listClients()).length > 0) return undefined;
  const context = { now: () => new Date(), causationId: 'first-start' };
  const confidential = await registerClient(
    registerClientSchema.parse({
      name: 'Demo confidential client',
      client_id: 'demo-client',
      grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
      scopes: 'read write',
      redirect_uris: ['http://127.0.0.1/oauth/callback'],
    }),
    null,
    randomIds,
    context,
  );
  const spa = await registerClient(
    registerClientSchema.parse({
      name: 'Demo single-page app',
      client_id: 'demo-spa',
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'read write',
      redirect_uris: SPA_REDIRECTS,
      web_origins: SPA_ORIGINS,
    }),
    null,
    randomIds,
    context,
  );
  const device = await registerClient(
    registerClientSchema.parse({
      name: 'Demo device',
      client_id: 'demo-device',
      public: true,
      grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
      scopes: 'read write',
    }),
    null,
    randomIds,
    context,
  );
  const password = randomBytes(12).toString('base64url');
  const user = await registerUser(
    createUserSchema.parse({ email: 'demo@grantline.test', name: 'Demo User', password }),
    await store.findUserByEmail('demo@grantline.test'),
    generateUserId,
    context,
  );
  const events: GrantlineEvent[] = [confidential.event, spa.event, device.event, user.event];
  await recordDecision({ log, store }, { events });
  return {
    client: { client_id: confidential.client.clientId, client_secret: confidential.secret ?? '' },
    spaClient: { client_id: spa.client.clientId, redirect_uris: SPA_REDIRECTS, web_origins: SPA_ORIGINS },
    deviceClient: { client_id: device.client.clientId },
    user: { email: user.user.email, password },
  };
}
