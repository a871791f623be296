import type { GrantlineEvent, GrantlineEventType } from './catalogue';
import { stampEvent, type AnyEventDraft, type EventContext } from './new-event';
import { resourceAggregateId } from './resource-events';

const CREATED_AT = '2026-01-01T00:00:00.000Z';
const EXPIRES_AT = 1_767_229_200;
const USER_ID = '01JF7Z8Q3V5W6X7Y8Z9A0B1C2D';
const client = {
  clientId: 'billing',
  name: 'Billing',
  secretHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
  public: false,
  grantTypes: ['client_credentials' as const],
  scopes: ['read'],
  redirectUris: [],
  webOrigins: [],
  firstParty: false,
  requirePkce: true,
  requireDpop: false,
  dpopNonce: false,
  requirePushedAuthorizationRequests: false,
  refreshTokens: { idleTtl: 1_209_600, absoluteTtl: 7_776_000, gracePeriod: 0, rotate: true },
  resources: null,
  defaultResource: null,
  introspectsFor: null,
  jwks: null,
  jwksUri: null,
  registration: null,
  openid: {
    idTokenSignedResponseAlg: null,
    subjectType: 'public' as const,
    sectorIdentifierHost: null,
    defaultMaxAge: null,
    requireAuthTime: false,
    postLogoutRedirectUris: [],
    backchannelLogoutUri: null,
    backchannelLogoutSessionRequired: false,
    endGrantsWithSession: true,
  },
  createdAt: CREATED_AT,
};
const RESOURCE_URI = 'https://orders.example.test/mcp';
const resource = { uri: RESOURCE_URI, name: 'Orders', scopes: ['orders:read'], createdAt: CREATED_AT };
const resourceAggregate = { type: 'resource' as const, id: resourceAggregateId(RESOURCE_URI) };
const user = {
  userId: USER_ID,
  email: 'ada@example.test',
  name: 'Ada',
  passwordHash: 'scrypt$hash',
  disabled: false,
  createdAt: CREATED_AT,
  profile: {
    givenName: 'Ada',
    familyName: 'Lovelace',
    middleName: null,
    nickname: null,
    preferredUsername: 'ada',
    emailVerified: true,
    locale: 'en-GB',
    zoneinfo: 'Europe/London',
    picture: null,
    website: null,
    profileUrl: null,
    gender: null,
    birthdate: '1815-12-10',
  },
  updatedAt: null,
};
const pat = {
  tokenId: 'pat-1',
  userId: USER_ID,
  name: 'laptop',
  scopes: ['read'],
  createdAt: EXPIRES_AT - 3600,
  expiresAt: EXPIRES_AT,
  revokedAt: null,
};
const refresh = {
  grantId: 'grant-1',
  refreshId: 'refresh-2',
  clientId: 'spa',
  userId: USER_ID,
  scope: 'read',
  expiresAt: EXPIRES_AT,
  grantExpiresAt: EXPIRES_AT,
};
const grant = { type: 'grant' as const, id: 'grant-1' };
const device = { type: 'device' as const, id: 'device-1' };
const decision = { deviceId: 'device-1', clientId: 'tv', userId: USER_ID, expiresAt: EXPIRES_AT };

/**
 * One draft of every event type in the catalogue, with plausible data: the type makes a new
 * event type fail to compile here until it has a sample, so every check built on these covers it.
 */
const drafts: { [T in GrantlineEventType]: Extract<AnyEventDraft, { type: T }> } = {
  ClientRegistered: { type: 'ClientRegistered', aggregate: { type: 'client', id: 'billing' }, data: { client } },
  ClientUpdated: { type: 'ClientUpdated', aggregate: { type: 'client', id: 'billing' }, data: { client } },
  ClientSecretRotated: { type: 'ClientSecretRotated', aggregate: { type: 'client', id: 'billing' }, data: { client } },
  ClientDeleted: { type: 'ClientDeleted', aggregate: { type: 'client', id: 'billing' }, data: { clientId: 'billing' } },
  ResourceRegistered: { type: 'ResourceRegistered', aggregate: resourceAggregate, data: { resource } },
  ResourceUpdated: { type: 'ResourceUpdated', aggregate: resourceAggregate, data: { resource } },
  ResourceDeleted: { type: 'ResourceDeleted', aggregate: resourceAggregate, data: { uri: RESOURCE_URI } },
  AccessTokenIssued: {
    type: 'AccessTokenIssued',
    aggregate: { type: 'token', id: 'jti-1' },
    data: {
      jti: 'jti-1',
      clientId: 'billing',
      subject: 'billing',
      scope: 'read',
      grantType: 'client_credentials',
      issuedAt: EXPIRES_AT - 3600,
      expiresAt: EXPIRES_AT,
    },
  },
  AccessTokenRevoked: {
    type: 'AccessTokenRevoked',
    aggregate: { type: 'token', id: 'jti-1' },
    data: { jti: 'jti-1', clientId: 'billing', expiresAt: EXPIRES_AT, revokedBy: 'billing' },
  },
  UserRegistered: { type: 'UserRegistered', aggregate: { type: 'user', id: USER_ID }, data: { user } },
  UserPasswordChanged: { type: 'UserPasswordChanged', aggregate: { type: 'user', id: USER_ID }, data: { user } },
  UserDisabled: {
    type: 'UserDisabled',
    aggregate: { type: 'user', id: USER_ID },
    data: { user: { ...user, disabled: true } },
  },
  UserEnabled: { type: 'UserEnabled', aggregate: { type: 'user', id: USER_ID }, data: { user } },
  UserProfileChanged: {
    type: 'UserProfileChanged',
    aggregate: { type: 'user', id: USER_ID },
    data: { user: { ...user, updatedAt: CREATED_AT } },
  },
  ConsentGranted: {
    type: 'ConsentGranted',
    aggregate: { type: 'consent', id: `${USER_ID}:spa` },
    data: { userId: USER_ID, clientId: 'spa', scopes: ['read'] },
  },
  ConsentWithdrawn: {
    type: 'ConsentWithdrawn',
    aggregate: { type: 'consent', id: `${USER_ID}:spa` },
    data: { userId: USER_ID, clientId: 'spa', revokesGrantsBefore: EXPIRES_AT - 60 },
  },
  AuthorizationCodeIssued: {
    type: 'AuthorizationCodeIssued',
    aggregate: grant,
    data: {
      grantId: 'grant-1',
      codeId: 'code-1',
      clientId: 'spa',
      userId: USER_ID,
      scope: 'read',
      redirectUri: 'http://127.0.0.1/oauth/callback',
      expiresAt: EXPIRES_AT,
    },
  },
  AuthorizationCodeRedeemed: {
    type: 'AuthorizationCodeRedeemed',
    aggregate: grant,
    data: { grantId: 'grant-1', codeId: 'code-1', clientId: 'spa' },
  },
  RefreshTokenIssued: { type: 'RefreshTokenIssued', aggregate: grant, data: { ...refresh, refreshId: 'refresh-1' } },
  RefreshTokenRotated: {
    type: 'RefreshTokenRotated',
    aggregate: grant,
    data: { ...refresh, previousId: 'refresh-1', withinGracePeriod: false },
  },
  ArtifactReuseDetected: {
    type: 'ArtifactReuseDetected',
    aggregate: grant,
    data: { grantId: 'grant-1', artifact: 'refresh_token', artifactId: 'refresh-1', clientId: 'spa' },
  },
  GrantRevoked: {
    type: 'GrantRevoked',
    aggregate: grant,
    data: {
      grantId: 'grant-1',
      clientId: 'spa',
      reason: 'refresh_token_reuse',
      expiresAt: EXPIRES_AT,
      revokedBy: null,
    },
  },
  SignInSucceeded: {
    type: 'SignInSucceeded',
    aggregate: { type: 'sign-in', id: 'sign-in-1' },
    data: { clientId: 'spa', remoteAddress: '127.0.0.1', userId: USER_ID },
  },
  SignInFailed: {
    type: 'SignInFailed',
    aggregate: { type: 'sign-in', id: 'sign-in-2' },
    data: { clientId: 'spa', remoteAddress: '127.0.0.1', userId: null, reason: 'unknown_account' },
  },
  SessionStarted: {
    type: 'SessionStarted',
    aggregate: { type: 'session', id: 'c2Vzc2lvbi1zYW1wbGUtMQ' },
    data: {
      sessionId: 'c2Vzc2lvbi1zYW1wbGUtMQ',
      userId: USER_ID,
      authTime: EXPIRES_AT - 3600,
      amr: ['pwd'],
      clientId: 'spa',
      remoteAddress: '127.0.0.1',
      expiresAt: EXPIRES_AT,
    },
  },
  SessionEnded: {
    type: 'SessionEnded',
    aggregate: { type: 'session', id: 'c2Vzc2lvbi1zYW1wbGUtMQ' },
    data: {
      sessionId: 'c2Vzc2lvbi1zYW1wbGUtMQ',
      userId: USER_ID,
      reason: 'logout',
      endedBy: 'spa',
      expiresAt: EXPIRES_AT,
      clientIds: ['spa'],
    },
  },
  BackchannelLogoutDelivered: {
    type: 'BackchannelLogoutDelivered',
    aggregate: { type: 'session', id: 'c2Vzc2lvbi1zYW1wbGUtMQ' },
    data: { sessionId: 'c2Vzc2lvbi1zYW1wbGUtMQ', clientId: 'spa', attempts: 1, status: 200 },
  },
  BackchannelLogoutFailed: {
    type: 'BackchannelLogoutFailed',
    aggregate: { type: 'session', id: 'c2Vzc2lvbi1zYW1wbGUtMQ' },
    data: { sessionId: 'c2Vzc2lvbi1zYW1wbGUtMQ', clientId: 'spa', attempts: 5, status: 503, reason: 'answered 503' },
  },
  DeviceAuthorizationRequested: {
    type: 'DeviceAuthorizationRequested',
    aggregate: device,
    data: {
      deviceId: 'device-1',
      userCodeHash: 'hmac-of-user-code',
      clientId: 'tv',
      scope: 'read',
      interval: 5,
      expiresAt: EXPIRES_AT,
    },
  },
  DeviceAuthorizationApproved: {
    type: 'DeviceAuthorizationApproved',
    aggregate: device,
    data: {
      ...decision,
      scope: 'openid read',
      authTime: EXPIRES_AT - 300,
      sessionId: 'c2Vzc2lvbi1zYW1wbGUtMQ',
      amr: ['pwd'],
    },
  },
  DeviceAuthorizationDenied: { type: 'DeviceAuthorizationDenied', aggregate: device, data: decision },
  DeviceCodeRedeemed: {
    type: 'DeviceCodeRedeemed',
    aggregate: device,
    data: { deviceId: 'device-1', grantId: 'grant-2', clientId: 'tv', userId: USER_ID, expiresAt: EXPIRES_AT },
  },
  UserCodeRejected: {
    type: 'UserCodeRejected',
    aggregate: { type: 'device', id: 'rejected-1' },
    data: { remoteAddress: '127.0.0.1', reason: 'unknown_or_expired' },
  },
  PersonalAccessTokenCreated: {
    type: 'PersonalAccessTokenCreated',
    aggregate: { type: 'personal-access-token', id: 'pat-1' },
    data: { token: pat, by: { kind: 'user', userId: USER_ID, clientId: 'spa' } },
  },
  PersonalAccessTokenRevoked: {
    type: 'PersonalAccessTokenRevoked',
    aggregate: { type: 'personal-access-token', id: 'pat-1' },
    data: { token: { ...pat, revokedAt: EXPIRES_AT - 60 }, by: { kind: 'admin' } },
  },
};

/** One event of every type in the catalogue, stamped with `context` (each with its own event id). */
export function sampleEvents(context: EventContext): GrantlineEvent[] {
  return Object.values(drafts).map((draft) => stampEvent(draft, context));
}
