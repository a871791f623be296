// First: when spans go to a collector, the library instrumentations must load before anything they patch.
import '@grantline/lib-telemetry/instrument';
import { runMain } from '@grantline/lib-http';
import { serveOAuthService } from '@grantline/lib-runtime';
import { devicePollForwarder } from './device-poll-forwarder';
import { personalAccessTokenRoutes } from './personal-access-token-routes';
import { discoveryRoutes, tokenEndpoints } from './token-routes';

/** The token and revocation endpoints, discovery, and personal access tokens. */
runMain(() =>
  serveOAuthService('token', ({ config, context, logger }) => {
    const devicePolling = config.GRANTLINE_DEVICE_POLLING_URL?.split(',').map((url) => url.trim());
    return {
      endpoints: tokenEndpoints(context, devicePolling ? devicePollForwarder(devicePolling) : undefined),
      routers: [discoveryRoutes(context), personalAccessTokenRoutes(context, logger)],
    };
  }),
);
