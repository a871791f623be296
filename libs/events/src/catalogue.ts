import { z } from 'zod';
import {
  clientDeletedSchema,
  clientRegisteredSchema,
  clientSecretRotatedSchema,
  clientUpdatedSchema,
} from './client-events';
import { resourceDeletedSchema, resourceRegisteredSchema, resourceUpdatedSchema } from './resource-events';
import { accessTokenIssuedSchema, accessTokenRevokedSchema } from './token-events';
import {
  consentGrantedSchema,
  consentWithdrawnSchema,
  userDisabledSchema,
  userEnabledSchema,
  userPasswordChangedSchema,
  userProfileChangedSchema,
  userRegisteredSchema,
} from './user-events';
import {
  backchannelLogoutDeliveredSchema,
  backchannelLogoutFailedSchema,
  sessionEndedSchema,
  sessionStartedSchema,
} from './session-events';
import {
  artifactReuseDetectedSchema,
  authorizationCodeIssuedSchema,
  authorizationCodeRedeemedSchema,
  grantRevokedSchema,
  refreshTokenIssuedSchema,
  refreshTokenRotatedSchema,
  signInFailedSchema,
  signInSucceededSchema,
} from './grant-events';
import {
  deviceAuthorizationApprovedSchema,
  deviceAuthorizationDeniedSchema,
  deviceAuthorizationRequestedSchema,
  deviceCodeRedeemedSchema,
  userCodeRejectedSchema,
} from './device-events';
import { personalAccessTokenCreatedSchema, personalAccessTokenRevokedSchema } from './personal-access-token-events';

/** Every event Grantline records, as one discriminated union. */
export const grantlineEventSchema = z.discriminatedUnion('type', [
  clientRegisteredSchema,
  clientUpdatedSchema,
  clientSecretRotatedSchema,
  clientDeletedSchema,
  resourceRegisteredSchema,
  resourceUpdatedSchema,
  resourceDeletedSchema,
  accessTokenIssuedSchema,
  accessTokenRevokedSchema,
  userRegisteredSchema,
  userPasswordChangedSchema,
  userDisabledSchema,
  userEnabledSchema,
  userProfileChangedSchema,
  consentGrantedSchema,
  consentWithdrawnSchema,
  authorizationCodeIssuedSchema,
  authorizationCodeRedeemedSchema,
  refreshTokenIssuedSchema,
  refreshTokenRotatedSchema,
  artifactReuseDetectedSchema,
  grantRevokedSchema,
  signInSucceededSchema,
  signInFailedSchema,
  sessionStartedSchema,
  sessionEndedSchema,
  backchannelLogoutDeliveredSchema,
  backchannelLogoutFailedSchema,
  deviceAuthorizationRequestedSchema,
  deviceAuthorizationApprovedSchema,
  deviceAuthorizationDeniedSchema,
  deviceCodeRedeemedSchema,
  userCodeRejectedSchema,
  personalAccessTokenCreatedSchema,
  personalAccessTokenRevokedSchema,
]);
export type GrantlineEvent = z.infer<typeof grantlineEventSchema>;
export type GrantlineEventType = GrantlineEvent['type'];
export type EventOfType<T extends GrantlineEventType> = Extract<GrantlineEvent, { type: T }>;

/** Compile-time guard for exhaustive switches over the union. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled event: ${JSON.stringify(value)}`);
}

/**
 * Parses an event read from the log. Older versions are upcast here before validation,
 * so consumers only ever see the current shape.
 */
export function parseEvent(raw: unknown): GrantlineEvent {
  return grantlineEventSchema.parse(upcast(raw));
}

/** Like `parseEvent`, for readers that must go on past a record they cannot read (the dead-letter path). */
export function safeParseEvent(raw: unknown): ReturnType<typeof grantlineEventSchema.safeParse> {
  return grantlineEventSchema.safeParse(upcast(raw));
}

function upcast(raw: unknown): unknown {
  // Version 1 is the only version so far; later versions add their upcasters here.
  return raw;
}
