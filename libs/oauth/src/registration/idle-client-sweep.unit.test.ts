import { oauthFixture, respond, type OAuthFixture } from '@grantline/lib-testing';
import type { OAuthRequest } from '../http-types';
import { decideAccessToken } from '../access-token-issuer';
import { activityOf, idleClients, sweepIdleClients } from './idle-client-sweep';
import { registrationEndpoint } from './registration-endpoints';

const DAY = 86_400;
const request: OAuthRequest = {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: '',
  remoteAddress: '192.0.2.1',
  requestId: 'sweep-test',
};

describe('idle self-registered clients expire by themselves', () => {
  let fixture: OAuthFixture;

  beforeEach(async () => {
    fixture = await oauthFixture();
    fixture.context.settings.registration = {
      ...fixture.context.settings.registration,
      policy: 'open',
      grantTypes: ['client_credentials'],
      idleTtlSeconds: 30 * DAY,
    };
  });

  const register = async (): Promise<string> => {
    const response = await respond(
      fixture.context,
      (context, req) =>
        registrationEndpoint(context, req, { grant_types: ['client_credentials'], response_types: [], scope: 'read' }),
      request,
    );
    return (response.body as { client_id: string }).client_id;
  };
  /** A token issued to the client, recorded as the token endpoint records it. */
  const issueTo = async (clientId: string) => {
    const { event } = await decideAccessToken(fixture.context, request, {
      clientId,
      subject: clientId,
      scopes: ['read'],
      grantType: 'client_credentials',
    });
    await fixture.log.append([event]);
  };
  const deletions = () => fixture.log.events.filter((event) => event.type === 'ClientDeleted');

  it('given a client never used, when the idle lifetime passes, then one sweep deletes it with the reason idle', async () => {
    const clientId = await register();
    fixture.clock.advance(30 * DAY - 1);
    expect(await sweepIdleClients(fixture.context)).toEqual([]);
    fixture.clock.advance(1);
    expect(await sweepIdleClients(fixture.context)).toEqual([clientId]);
    expect(deletions()).toEqual([expect.objectContaining({ data: { clientId, reason: 'idle' } })]);
    expect(await fixture.store.getClient(clientId)).toBeNull();
  });

  it('given a token issued along the way, the idle lifetime counts from that issuance', async () => {
    const clientId = await register();
    fixture.clock.advance(20 * DAY);
    await issueTo(clientId);
    fixture.clock.advance(20 * DAY);
    expect(await sweepIdleClients(fixture.context)).toEqual([]);
    fixture.clock.advance(10 * DAY);
    expect(await sweepIdleClients(fixture.context)).toEqual([clientId]);
  });

  it('given two replicas sweeping at once, the deletion is recorded once', async () => {
    await register();
    fixture.clock.advance(31 * DAY);
    const [first, second] = await Promise.all([sweepIdleClients(fixture.context), sweepIdleClients(fixture.context)]);
    expect([...first, ...second]).toHaveLength(1);
    expect(deletions()).toHaveLength(1);
  });

  it('leaves operator-made clients alone, however idle', async () => {
    const { clientId } = await fixture.registerClient({ name: 'ops', grant_types: ['client_credentials'] });
    fixture.clock.advance(400 * DAY);
    expect(await sweepIdleClients(fixture.context)).toEqual([]);
    expect(await fixture.store.getClient(clientId)).not.toBeNull();
  });

  it('judges by the later of the last use and the last update', () => {
    const registration = { updatedAt: '2026-01-10T00:00:00Z' } as never;
    const client = { clientId: 'c', registration } as never;
    const updated = Date.parse('2026-01-10T00:00:00Z') / 1000;
    expect(activityOf(client, null)).toEqual({ clientId: 'c', lastActive: updated });
    expect(activityOf(client, updated + 5)).toEqual({ clientId: 'c', lastActive: updated + 5 });
    expect(idleClients([{ clientId: 'c', lastActive: 100 }], 100 + DAY, DAY)).toHaveLength(1);
    expect(idleClients([{ clientId: 'c', lastActive: 100 }], 99 + DAY, DAY)).toHaveLength(0);
  });
});
