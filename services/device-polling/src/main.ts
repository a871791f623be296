// First: when spans go to a collector, the library instrumentations must load before anything they patch.
import '@grantline/lib-telemetry/instrument';
import { runMain } from '@grantline/lib-http';
import { serveOAuthService } from '@grantline/lib-runtime';
import { devicePollingEndpoints } from './device-polling-routes';

/** Device authorization requests and polls (RFC 8628), scaled apart from the token service. */
runMain(() => serveOAuthService('device-polling', ({ context }) => ({ endpoints: devicePollingEndpoints(context) })));
