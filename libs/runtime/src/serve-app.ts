import type { RequestListener, Server } from 'node:http';
import type { Express } from 'express';
import { finishApp, serveListener, type Logger, type ServeOptions } from '@grantline/lib-http';
import type { Telemetry } from '@grantline/lib-telemetry';
import { oauthErrorHandler } from './express-oauth';
import { dispatchOAuth, type OAuthEndpoint } from './oauth-dispatch';

export interface ListenerOptions {
  /** Served on the lean path, in front of the express app. */
  endpoints?: readonly OAuthEndpoint[];
  telemetry: Telemetry;
  /** express-style `trust proxy` value; empty trusts no forwarded address. */
  trustProxy: string;
  isWebOrigin?: (origin: string) => Promise<boolean>;
}

/**
 * The request handling of a service: its lean OAuth endpoints in front of its express app, whose
 * fallbacks answer any other path 404 and any failure with the error family's JSON body.
 */
export function serviceListener(app: Express, logger: Logger, options: ListenerOptions): RequestListener {
  return dispatchOAuth(options.endpoints ?? [], finishApp(app, oauthErrorHandler(logger)), {
    logger,
    metrics: options.telemetry.metrics,
    tracing: options.telemetry.tracing,
    trustProxy: options.trustProxy,
    ...(options.isWebOrigin ? { isWebOrigin: options.isWebOrigin } : {}),
  });
}

/** A service's main ends here: its request handling, listening, and the graceful shutdown. */
export function serve(app: Express, logger: Logger, options: ServeOptions & ListenerOptions): Promise<Server> {
  return serveListener(serviceListener(app, logger, options), logger, options);
}
