import type { ClientRecord, StateSnapshot, UserRecord } from '@grantline/lib-projections';
import { decideLiveness, livenessQuery, type TokenSubject } from './token-liveness';

const client = { clientId: 'app' } as ClientRecord;
const user = { userId: 'u1', email: 'u1@example.com', disabled: false } as UserRecord;

function snapshot(overrides: Partial<StateSnapshot> = {}): StateSnapshot {
  return { clients: new Map([['app', client]]), revoked: false, user, grantsRevokedBefore: 0, ...overrides };
}

const userToken: TokenSubject = { clientId: 'app', tokenId: 't1', user: { userId: 'u1', grantId: 'g1', since: 100 } };

describe('token liveness', () => {
  it('reads token, grant, user, consent and every client in one query', () => {
    expect(livenessQuery(userToken, ['caller'])).toEqual({
      clientIds: ['caller', 'app'],
      jti: 't1',
      grantId: 'g1',
      userId: 'u1',
      consent: { userId: 'u1', clientId: 'app' },
    });
    expect(livenessQuery({ clientId: 'app', tokenId: 't1' })).toEqual({ clientIds: ['app'], jti: 't1' });
    // A personal access token has no client, so no consent to check.
    expect(livenessQuery({ tokenId: 'p1', user: { userId: 'u1', since: 5 } })).toEqual({
      clientIds: [],
      jti: 'p1',
      userId: 'u1',
    });
  });

  it.each<[string, Partial<StateSnapshot>, string]>([
    ['revoked token or grant', { revoked: true }, 'revoked'],
    ['client deleted', { clients: new Map([['app', null]]) }, 'client_unknown'],
    ['user gone', { user: null }, 'user_inactive'],
    ['user disabled', { user: { ...user, disabled: true } }, 'user_inactive'],
    ['consent withdrawn after the grant began', { grantsRevokedBefore: 101 }, 'consent_withdrawn'],
  ])('is not live when %s', (_name, state, reason) => {
    expect(decideLiveness(userToken, snapshot(state))).toMatchObject({ live: false, reason });
  });

  it('is live otherwise, and a consent withdrawn before the grant does not matter', () => {
    expect(decideLiveness(userToken, snapshot({ grantsRevokedBefore: 100 }))).toMatchObject({
      live: true,
      user,
      client,
    });
    expect(decideLiveness({ clientId: 'app', tokenId: 't1' }, snapshot({ user: undefined }))).toMatchObject({
      live: true,
      user: null,
    });
  });
});
