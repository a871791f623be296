// First: when spans go to a collector, the library instrumentations must load before anything they patch.
import '@grantline/lib-telemetry/instrument';
import type { EventLog } from '@grantline/lib-event-log';
import { runMain } from '@grantline/lib-http';
import { serveOAuthService } from '@grantline/lib-runtime';
import { introspectionEndpoints } from './introspection-routes';

/** Introspection never writes to the log; it reads projections and verifies signatures. */
const readOnlyLog: EventLog = {
  append: () => Promise.reject(new Error('the introspection service does not append events')),
  subscribe: () => Promise.reject(new Error('the introspection service does not subscribe')),
  replay: () => Promise.reject(new Error('the introspection service does not read the log')),
  ping: async () => true,
  close: async () => undefined,
};

runMain(() =>
  serveOAuthService('introspection', ({ context }) => ({ endpoints: introspectionEndpoints(context) }), {
    readOnlyLog,
  }),
);
