import { join } from 'node:path';
import { FileEventLog } from '@grantline/lib-event-log';
import { plainOpenIdClient, stampEvent, type OpenIdClient, type UserProfile } from '@grantline/lib-events';
import { createUserSchema, generateUserId, registerUser } from '@grantline/lib-oauth';
import { clientRegistered, clientSnapshot } from '@grantline/lib-testing';

/** A public OpenID Connect client with settings the admin API does not take yet. */
export interface SeededClient {
  clientId: string;
  redirectUri: string;
  openid: Partial<OpenIdClient>;
}

/** A person with an OpenID Connect profile. */
export interface SeededUser {
  email: string;
  name: string;
  password: string;
  profile: Partial<UserProfile>;
}

/**
 * Writes clients and people into an embedded server's event log before it starts, as the events
 * the admin API records would; the server replays them at start like any other.
 */
export async function seedOpenIdLog(
  dataDir: string,
  seed: { clients: readonly SeededClient[]; users: readonly SeededUser[] },
): Promise<Map<string, string>> {
  const log = new FileEventLog(join(dataDir, 'log'));
  const userIds = new Map<string, string>();
  try {
    for (const client of seed.clients) {
      const snapshot = clientSnapshot({
        clientId: client.clientId,
        grantTypes: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        scopes: ['openid', 'profile', 'email'],
        redirectUris: [client.redirectUri],
        openid: { ...plainOpenIdClient(), ...client.openid },
        createdAt: new Date().toISOString(),
      });
      await log.append([clientRegistered(snapshot, new Date())]);
    }
    for (const person of seed.users) {
      const now = new Date();
      const registered = await registerUser(
        createUserSchema.parse({ email: person.email, name: person.name, password: person.password }),
        null,
        generateUserId,
        { now: () => now },
      );
      const user = {
        ...registered.user,
        profile: { ...registered.user.profile, ...person.profile },
        updatedAt: now.toISOString(),
      };
      const changed = stampEvent(
        { type: 'UserProfileChanged', aggregate: { type: 'user', id: user.userId }, data: { user } },
        { now: () => now },
      );
      await log.append([registered.event, changed]);
      userIds.set(person.email, user.userId);
    }
  } finally {
    await log.close();
  }
  return userIds;
}
