import { assertNever, type GrantlineEvent } from '@grantline/lib-events';
import type { AuditEntry } from './audit-port';
import type { LogPosition } from './log-position';

/** Pure mapping from an event to its audit entry. */
export function auditEntryOf(event: GrantlineEvent, position: LogPosition): AuditEntry {
  const { clientId, subject } = actorsOf(event);
  return {
    eventId: event.eventId,
    type: event.type,
    occurredAt: new Date(event.occurredAt),
    clientId,
    subject,
    aggregate: event.aggregate,
    causationId: event.causationId ?? null,
    traceparent: event.traceContext.traceparent ?? null,
    position,
    event,
  };
}

function actorsOf(event: GrantlineEvent): { clientId: string | null; subject: string | null } {
  switch (event.type) {
    case 'ClientRegistered':
    case 'ClientUpdated':
    case 'ClientSecretRotated':
      return { clientId: event.data.client.clientId, subject: null };
    case 'ClientDeleted':
      return { clientId: event.data.clientId, subject: null };
    case 'ResourceRegistered':
    case 'ResourceUpdated':
    case 'ResourceDeleted':
      return { clientId: null, subject: null };
    case 'AccessTokenIssued':
      return { clientId: event.data.clientId, subject: event.data.subject };
    case 'AccessTokenRevoked':
      return { clientId: event.data.clientId, subject: null };
    case 'UserRegistered':
    case 'UserPasswordChanged':
    case 'UserDisabled':
    case 'UserEnabled':
    case 'UserProfileChanged':
      return { clientId: null, subject: event.data.user.userId };
    case 'SessionStarted':
      return { clientId: event.data.clientId, subject: event.data.userId };
    case 'SessionEnded':
      return { clientId: null, subject: event.data.userId };
    case 'BackchannelLogoutDelivered':
    case 'BackchannelLogoutFailed':
      return { clientId: event.data.clientId, subject: null };
    case 'ConsentGranted':
    case 'ConsentWithdrawn':
    case 'AuthorizationCodeIssued':
    case 'RefreshTokenIssued':
    case 'RefreshTokenRotated':
    case 'SignInSucceeded':
      return { clientId: event.data.clientId, subject: event.data.userId };
    case 'SignInFailed':
      return { clientId: event.data.clientId, subject: event.data.userId };
    case 'AuthorizationCodeRedeemed':
    case 'ArtifactReuseDetected':
    case 'GrantRevoked':
      return { clientId: event.data.clientId, subject: null };
    case 'DeviceAuthorizationRequested':
      return { clientId: event.data.clientId, subject: null };
    case 'DeviceAuthorizationApproved':
    case 'DeviceAuthorizationDenied':
    case 'DeviceCodeRedeemed':
      return { clientId: event.data.clientId, subject: event.data.userId };
    case 'UserCodeRejected':
      return { clientId: null, subject: null };
    case 'PersonalAccessTokenCreated':
    case 'PersonalAccessTokenRevoked':
      return {
        clientId: event.data.by.kind === 'user' ? event.data.by.clientId : null,
        subject: event.data.token.userId,
      };
    default:
      return assertNever(event);
  }
}
