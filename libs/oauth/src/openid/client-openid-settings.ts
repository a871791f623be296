import { z } from 'zod';
import { idTokenSigningAlgorithms, type ClientSnapshot, type OpenIdClient } from '@grantline/lib-events';
import { dynamicRedirectUriRefusal, redirectUriRefusal, type ApplicationType } from '../clients/redirect-uri-policy';
import { sectorHostOf } from './subject';

/**
 * A client's OpenID Connect settings (the `openid` group of its snapshot): how operators and
 * clients spell them, and the checks every way of registering a client applies, in one place.
 */

/** What the server offers that a client's settings must fit. */
export interface OpenIdEnvironment {
  /** The algorithms the signing key ring holds (`KeyRing.algorithms()`). */
  algorithms: readonly string[];
  /** The secret of pairwise subjects (GRANTLINE_PAIRWISE_SALT); null: pairwise subjects are not offered. */
  pairwiseSalt: string | null;
}

/** The longest `default_max_age` accepted: a year, in seconds. */
const MAX_AGE_LIMIT = 365 * 24 * 60 * 60;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Why a post-logout redirect URI cannot be registered, or null (RP-Initiated Logout §3.1): the
 * rules of redirect URIs, the stricter ones of self-registered clients when `applicationType` is
 * given (RFC 8252 §7).
 */
export function postLogoutRedirectUriRefusal(uri: string, applicationType?: ApplicationType): string | null {
  if (applicationType !== undefined) return dynamicRedirectUriRefusal(applicationType, uri);
  if (!URL.canParse(uri)) return 'must be an absolute URI';
  if (uri.includes('#')) return 'must not contain a fragment';
  return redirectUriRefusal(uri);
}

/**
 * Why a back-channel logout URI cannot be registered, or null (Back-Channel Logout §2.2): an
 * absolute URI without a fragment; logout tokens name the person, so https, or http only to a
 * loopback host that never leaves the machine.
 */
export function backchannelLogoutUriRefusal(uri: string): string | null {
  if (!URL.canParse(uri)) return 'must be an absolute URI';
  if (uri.includes('#')) return 'must not contain a fragment (Back-Channel Logout section 2.2)';
  const url = new URL(uri);
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return 'must be an https URL (http only on a loopback host)';
}

/** A host (with port, if any) as `URL.host` spells it, lower-cased: the sector of pairwise subjects. */
const sectorHost = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .refine((host) => URL.canParse(`https://${host}`) && new URL(`https://${host}`).host === host, 'must be a host name');

const refusing = (refusal: (uri: string) => string | null) =>
  z
    .string()
    .max(2000)
    .superRefine((uri, context) => {
      const reason = refusal(uri);
      if (reason !== null) context.addIssue({ code: 'custom', message: reason });
    });

/** RFC 7591 §2 / OpenID Connect Registration §2 members a client registering itself may send. */
export const openIdMetadataFields = {
  id_token_signed_response_alg: z.enum(idTokenSigningAlgorithms).optional(),
  subject_type: z.enum(['public', 'pairwise']).optional(),
  sector_identifier_uri: z
    .string()
    .max(2000)
    .url()
    .regex(/^https:\/\//, 'must be an https URL')
    .optional(),
  /** Checked against the client's application type once it is known (`admitOpenIdMetadata`). */
  post_logout_redirect_uris: z.array(z.string().max(2000)).max(20).optional(),
  backchannel_logout_uri: refusing(backchannelLogoutUriRefusal).optional(),
  backchannel_logout_session_required: z.boolean().optional(),
  default_max_age: z.number().int().nonnegative().max(MAX_AGE_LIMIT).optional(),
  require_auth_time: z.boolean().optional(),
};

/**
 * The same settings as the admin API and CLI take them: null clears a setting, a member left out
 * keeps it; the sector is a host, and `end_grants_with_session` is the operator's alone.
 */
export const openIdAdminFields = {
  id_token_signed_response_alg: z.enum(idTokenSigningAlgorithms).nullable().optional(),
  subject_type: z.enum(['public', 'pairwise']).optional(),
  sector_identifier_host: sectorHost.nullable().optional(),
  post_logout_redirect_uris: z
    .array(refusing((uri) => postLogoutRedirectUriRefusal(uri)))
    .max(20)
    .optional(),
  backchannel_logout_uri: refusing(backchannelLogoutUriRefusal).nullable().optional(),
  backchannel_logout_session_required: z.boolean().optional(),
  default_max_age: z.number().int().nonnegative().max(MAX_AGE_LIMIT).nullable().optional(),
  require_auth_time: z.boolean().optional(),
  end_grants_with_session: z.boolean().optional(),
};
export type OpenIdAdminInput = z.infer<z.ZodObject<typeof openIdAdminFields>>;

/** The settings after applying the members given; members left out keep their value. */
export function applyOpenIdInput(current: OpenIdClient, input: OpenIdAdminInput): OpenIdClient {
  const pick = <T>(given: T | undefined, kept: T): T => (given === undefined ? kept : given);
  return {
    idTokenSignedResponseAlg: pick(input.id_token_signed_response_alg, current.idTokenSignedResponseAlg),
    subjectType: pick(input.subject_type, current.subjectType),
    sectorIdentifierHost: pick(input.sector_identifier_host, current.sectorIdentifierHost),
    defaultMaxAge: pick(input.default_max_age, current.defaultMaxAge),
    requireAuthTime: pick(input.require_auth_time, current.requireAuthTime),
    postLogoutRedirectUris: pick(
      input.post_logout_redirect_uris && [...new Set(input.post_logout_redirect_uris)],
      current.postLogoutRedirectUris,
    ),
    backchannelLogoutUri: pick(input.backchannel_logout_uri, current.backchannelLogoutUri),
    backchannelLogoutSessionRequired: pick(
      input.backchannel_logout_session_required,
      current.backchannelLogoutSessionRequired,
    ),
    endGrantsWithSession: pick(input.end_grants_with_session, current.endGrantsWithSession),
  };
}

/**
 * Why a client's OpenID Connect settings cannot be served, or null. Judged on the whole client,
 * after every change, since changing redirect URIs can take a pairwise client's sector away:
 * - an ID token algorithm the key ring holds; RS256 always, since ID tokens fall back to it
 *   when the ring holds no RSA key (decision 0050);
 * - pairwise subjects need the operator's salt and a sector (Core §8.1): a registered host, or
 *   redirect URIs that all share one;
 * - back-channel logout that requires `sid` needs a back-channel logout URI.
 */
export function openIdSettingsRefusal(
  client: Pick<ClientSnapshot, 'openid' | 'redirectUris'>,
  environment: OpenIdEnvironment,
): string | null {
  const { openid } = client;
  const alg = openid.idTokenSignedResponseAlg;
  if (alg !== null && alg !== 'RS256' && !environment.algorithms.includes(alg)) {
    return `id_token_signed_response_alg ${alg} is not offered: the server holds no ${alg} signing key`;
  }
  if (openid.subjectType === 'pairwise') {
    if (environment.pairwiseSalt === null) {
      return 'subject_type pairwise is not offered: the server has no pairwise salt (GRANTLINE_PAIRWISE_SALT)';
    }
    if (sectorHostOf(client) === null) {
      return 'subject_type pairwise needs a sector: a sector identifier, or redirect URIs that all share one host';
    }
  }
  if (openid.backchannelLogoutSessionRequired && openid.backchannelLogoutUri === null) {
    return 'backchannel_logout_session_required needs a backchannel_logout_uri';
  }
  return null;
}

/** The settings as the admin API shows them, by their registration names. */
export function openIdAdminView(openid: OpenIdClient): Record<string, unknown> {
  return {
    id_token_signed_response_alg: openid.idTokenSignedResponseAlg ?? 'RS256',
    subject_type: openid.subjectType,
    sector_identifier_host: openid.sectorIdentifierHost,
    post_logout_redirect_uris: openid.postLogoutRedirectUris,
    backchannel_logout_uri: openid.backchannelLogoutUri,
    backchannel_logout_session_required: openid.backchannelLogoutSessionRequired,
    default_max_age: openid.defaultMaxAge,
    require_auth_time: openid.requireAuthTime,
    end_grants_with_session: openid.endGrantsWithSession,
  };
}

/**
 * The settings as a client information response shows them (RFC 7591 §3.2.1: every registered
 * member, with the values the server chose); members with no value are left out.
 */
export function openIdMetadataView(openid: OpenIdClient, sectorIdentifierUri: string | null): Record<string, unknown> {
  return {
    id_token_signed_response_alg: openid.idTokenSignedResponseAlg ?? 'RS256',
    subject_type: openid.subjectType,
    ...(sectorIdentifierUri === null ? {} : { sector_identifier_uri: sectorIdentifierUri }),
    ...(openid.postLogoutRedirectUris.length === 0 ? {} : { post_logout_redirect_uris: openid.postLogoutRedirectUris }),
    ...(openid.backchannelLogoutUri === null
      ? {}
      : {
          backchannel_logout_uri: openid.backchannelLogoutUri,
          backchannel_logout_session_required: openid.backchannelLogoutSessionRequired,
        }),
    ...(openid.defaultMaxAge === null ? {} : { default_max_age: openid.defaultMaxAge }),
    require_auth_time: openid.requireAuthTime,
  };
}
