import { ZodError } from 'zod';
import { EventLogUnavailableError } from '@grantline/lib-event-log';
import { ProjectionStoreUnavailableError, ProjectionUnavailableError } from '@grantline/lib-projections';
import type { FailedDependency } from '@grantline/lib-telemetry';
import { OAuthError, serverError, temporarilyUnavailable } from './errors';

export interface ErrorMappingOptions {
  /**
   * A ZodError is a refused request body only where the route parsed the body with zod itself
   * (the admin API); anywhere else it is a bug in the server and stays a 500.
   */
  zodIsInvalidRequest?: boolean;
}

/**
 * The one mapping from anything thrown to the error family: an OAuthError is itself; an
 * unavailable event log, store or projection is 503 temporarily_unavailable (with Retry-After);
 * anything else is 500 server_error, with nothing about it sent.
 */
export function toOAuthError(error: unknown, options: ErrorMappingOptions = {}): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof EventLogUnavailableError) {
    return temporarilyUnavailable('The event log is unavailable; nothing was recorded', error);
  }
  if (error instanceof ProjectionUnavailableError) {
    return temporarilyUnavailable('A projection is being rebuilt or is behind', error);
  }
  if (error instanceof ProjectionStoreUnavailableError) {
    return temporarilyUnavailable('The projection store is unavailable', error);
  }
  if (error instanceof ZodError && options.zodIsInvalidRequest) {
    const issues = error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    return new OAuthError('invalid_request', 'The request body is invalid', 400, { issues, cause: error });
  }
  return serverError(error);
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
