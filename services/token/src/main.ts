// First: when spans go to a collector, the library instrumentations must load before anything they patch.
import '@grantline/lib-telemetry/instrument';
import { runMain } from '@grantline/lib-http';
import { idTokenKeyWarning } from '@grantline/lib-oauth';
import { serveOAuthService, startBackchannelLogouts, startIdleClientSweep } from '@grantline/lib-runtime';
import { devicePollForwarder } from './device-poll-forwarder';
import { personalAccessTokenRoutes } from './personal-access-token-routes';
import { registrationRoutes } from './registration-routes';
import { discoveryRoutes, tokenEndpoints } from './token-routes';

/**
 * The token and revocation endpoints, discovery, personal access tokens and client registration;
 * and the back-channel logout notices.
 */
runMain(() =>
  serveOAuthService('token', ({ config, context, logger }) => {
    // Once, at start: the ring is fixed for the process, so every ID token would repeat it.
    const keyWarning = idTokenKeyWarning(context.keys);
    if (keyWarning) logger.warn(keyWarning);
    const devicePolling = config.GRANTLINE_DEVICE_POLLING_URL?.split(',').map((url) => url.trim());
    return {
      endpoints: tokenEndpoints(context, devicePolling ? devicePollForwarder(devicePolling) : undefined),
      routers: [
        discoveryRoutes(context),
        personalAccessTokenRoutes(context, logger),
        registrationRoutes(context, logger),
      ],
      stops: [
        startIdleClientSweep(context, config.GRANTLINE_DYNAMIC_CLIENT_SWEEP_INTERVAL, logger),
        // The token service's replicas send back-channel logout notices (0049).
        // A consumer that cannot join, or stops, joins again: the endpoints serve meanwhile.
        startBackchannelLogouts(context, logger, { groupPrefix: config.GRANTLINE_CONSUMER_GROUP_PREFIX }),
      ],
    };
  }),
);
