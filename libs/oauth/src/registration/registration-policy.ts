import type { GrantType } from '@grantline/lib-events';
import type { GuardStore } from '@grantline/lib-projections';
import { dynamicRedirectUriRefusal, type ApplicationType } from '../clients/redirect-uri-policy';
import { OAuthError, invalidClientMetadata, invalidRedirectUri } from '../errors';
import type { OAuthRequest } from '../http-types';
import type { ClientMetadata } from './client-metadata';
import {
  hashRegistrationToken,
  matchesTokenHash,
  presentedBearerToken,
  refusedRegistrationToken,
} from './registration-token';

export type RegistrationAuthMethod = ClientMetadata['token_endpoint_auth_method'];

/** What the operator allows (GRANTLINE_REGISTRATION*, GRANTLINE_DYNAMIC_CLIENT_*). */
export interface RegistrationSettings {
  /** `off`: no registration; `token`: with an initial access token; `open`: anyone, rate-limited. */
  policy: 'off' | 'token' | 'open';
  initialAccessTokens: readonly string[];
  limitPerHour: number;
  grantTypes: readonly GrantType[];
  authMethods: readonly RegistrationAuthMethod[];
  scopes: readonly string[];
  maxRedirectUris: number;
  /** The kind of a client whose metadata names none (OpenID Connect Registration §2 says web). */
  defaultApplicationType: ApplicationType;
  idleTtlSeconds: number;
}

const HOUR = 60 * 60;

/**
 * Whether this caller may register a client under the operator's policy (RFC 7591 §3): with
 * `token`, the request carries one of the initial access tokens (RFC 6750 errors otherwise);
 * with `open`, the caller's address (as every limit computes it, decision 0013) has registrations
 * left this hour.
 */
export async function admitRegistrant(
  settings: RegistrationSettings,
  guards: Pick<GuardStore, 'consumeRateLimit'>,
  request: OAuthRequest,
): Promise<void> {
  switch (settings.policy) {
    case 'off':
      throw registrationNotOffered();
    case 'token': {
      const token = presentedBearerToken(request);
      const accepted = settings.initialAccessTokens.some((known) =>
        matchesTokenHash(token, hashRegistrationToken(known)),
      );
      if (!accepted) throw refusedRegistrationToken();
      return;
    }
    case 'open': {
      const allowed = await guards.consumeRateLimit(`register:${request.remoteAddress}`, settings.limitPerHour, HOUR);
      if (!allowed) {
        throw new OAuthError('invalid_request', 'Too many registrations from this address', 429, {
          headers: { 'Retry-After': String(HOUR) },
        });
      }
      return;
    }
  }
}

/** The endpoint exists only when the operator offers registration. */
export function registrationNotOffered(): OAuthError {
  return new OAuthError('invalid_request', 'Dynamic client registration is not offered', 404);
}

/** The metadata a registration is made with, once the policy has had its say. */
export interface AdmittedMetadata {
  applicationType: ApplicationType;
  grantTypes: GrantType[];
  responseTypes: Array<'code'>;
  scopes: string[];
  redirectUris: string[];
}

/**
 * Holds client metadata to the operator's policy and to the protocol: grant types, response
 * types and authentication method allowed and consistent (RFC 7591 §2.1), keys only for
 * private_key_jwt, scopes among those on offer, redirect URIs fit for the kind of client
 * (RFC 8252 §7). Refusals carry the RFC 7591 §3.2.2 codes.
 */
export function admitMetadata(metadata: ClientMetadata, settings: RegistrationSettings): AdmittedMetadata {
  const method = metadata.token_endpoint_auth_method;
  if (!settings.authMethods.includes(method)) {
    throw invalidClientMetadata(`token_endpoint_auth_method ${method} is not allowed`);
  }
  const grantTypes = [...new Set(metadata.grant_types ?? ['authorization_code' as const])];
  const refusedGrant = grantTypes.find((grantType) => !settings.grantTypes.includes(grantType));
  if (refusedGrant !== undefined) throw invalidClientMetadata(`grant type ${refusedGrant} is not allowed`);
  // RFC 6749 §4.4: only a client that can authenticate may use client_credentials.
  if (method === 'none' && grantTypes.includes('client_credentials')) {
    throw invalidClientMetadata('client_credentials needs a client that authenticates');
  }
  const responseTypes = admitResponseTypes(metadata.response_types, grantTypes);
  admitKeys(metadata);
  const scopes = metadata.scope ?? [...settings.scopes];
  const refusedScope = scopes.find((scope) => !settings.scopes.includes(scope));
  if (refusedScope !== undefined) throw invalidClientMetadata(`scope ${refusedScope} is not offered`);
  const applicationType = metadata.application_type ?? settings.defaultApplicationType;
  const redirectUris = admitRedirectUris(metadata.redirect_uris, applicationType, grantTypes, settings);
  return { applicationType, grantTypes, responseTypes, scopes, redirectUris };
}

/** RFC 7591 §2.1: `code` goes with authorization_code and nothing else is offered (OAuth 2.1 §4). */
function admitResponseTypes(requested: readonly string[] | undefined, grantTypes: readonly GrantType[]): Array<'code'> {
  const usesCode = grantTypes.includes('authorization_code');
  const responseTypes = [...new Set(requested ?? (usesCode ? ['code'] : []))];
  const unsupported = responseTypes.find((responseType) => responseType !== 'code');
  if (unsupported !== undefined) throw invalidClientMetadata(`response type ${unsupported} is not supported`);
  if (usesCode !== (responseTypes.length === 1)) {
    throw invalidClientMetadata('response_types code and grant_types authorization_code go together');
  }
  return usesCode ? ['code'] : [];
}

/** RFC 7591 §2: jwks and jwks_uri are exclusive; here they serve private_key_jwt alone. */
function admitKeys(metadata: ClientMetadata): void {
  const keys = Number(metadata.jwks !== undefined) + Number(metadata.jwks_uri !== undefined);
  if (keys > 1) throw invalidClientMetadata('jwks and jwks_uri must not both be present');
  if (metadata.token_endpoint_auth_method === 'private_key_jwt' && keys === 0) {
    throw invalidClientMetadata('private_key_jwt needs jwks or jwks_uri');
  }
  if (metadata.token_endpoint_auth_method !== 'private_key_jwt' && keys > 0) {
    throw invalidClientMetadata('jwks and jwks_uri are accepted with private_key_jwt only');
  }
}

function admitRedirectUris(
  requested: readonly string[],
  applicationType: ApplicationType,
  grantTypes: readonly GrantType[],
  settings: RegistrationSettings,
): string[] {
  const uris = [...new Set(requested)];
  if (grantTypes.includes('authorization_code') && uris.length === 0) {
    throw invalidRedirectUri('redirect_uris: the authorization_code grant needs at least one');
  }
  if (uris.length > settings.maxRedirectUris) {
    throw invalidRedirectUri(`redirect_uris: at most ${settings.maxRedirectUris} are allowed`);
  }
  for (const uri of uris) {
    const refusal = dynamicRedirectUriRefusal(applicationType, uri);
    if (refusal !== null) throw invalidRedirectUri(`redirect_uris: ${uri} ${refusal}`);
  }
  return uris;
}
