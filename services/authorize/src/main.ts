// First: when spans go to a collector, the library instrumentations must load before anything they patch.
import '@grantline/lib-telemetry/instrument';
import { runMain } from '@grantline/lib-http';
import { serveOAuthService } from '@grantline/lib-runtime';
import { authorizeRoutes } from './authorize-routes';
import { deviceRoutes } from './device-routes';
import { logoutRoutes } from './logout-routes';

/** The authorization endpoint with its sign-in and consent pages, and the device verification page. */
runMain(() =>
  serveOAuthService('authorize', ({ context, logger }) => ({
    routers: [authorizeRoutes(context, logger), deviceRoutes(context, logger), logoutRoutes(context, logger)],
  })),
);
