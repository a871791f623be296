import { EventLogUnavailableError } from '@grantline/lib-event-log';
import { ProjectionStoreUnavailableError, ProjectionUnavailableError } from '@grantline/lib-projections';
import type { FailedDependency } from '@grantline/lib-telemetry';
import { OAuthError, serverError, temporarilyUnavailable } from './errors';
import { jsonResponse, type OAuthResponse } from './http-types';

/** Maps anything thrown by an endpoint to an OAuthError; unknown errors become server_error. */
export function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof EventLogUnavailableError) {
    return temporarilyUnavailable('The event log is unavailable; nothing was issued', error);
  }
  if (error instanceof ProjectionStoreUnavailableError) {
    return temporarilyUnavailable('Token state is unavailable', error);
  }
  return serverError(error);
}

/** RFC 6749 §5.2 JSON error body; never includes `detail` or a stack. */
export function errorResponse(error: OAuthError): OAuthResponse {
  const headers: Record<string, string> = { ...error.options.headers };
  if (error.options.wwwAuthenticate) headers['WWW-Authenticate'] = error.options.wwwAuthenticate;
  return jsonResponse(error.status, { error: error.error, error_description: error.error_description }, headers);
}

/**
 * The shared dependency behind a failure, if one is: the event log (Kafka), the store (Redis),
 * or a projection that cannot serve (missing, being rebuilt, gone back in time). Looks through
 * one level of `cause`, where endpoints keep what they caught.
 */
export function failedDependency(error: unknown): FailedDependency | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 2; current = current.cause, depth += 1) {
    if (current instanceof EventLogUnavailableError) return 'kafka';
    if (current instanceof ProjectionUnavailableError) return 'projection';
    if (current instanceof ProjectionStoreUnavailableError) return 'redis';
  }
  return undefined;
}
