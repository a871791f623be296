import { isIP } from 'node:net';
import { z } from 'zod';

const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

/** `localhost`, `127.0.0.1`, `[::1]`, `*.test`: a host name, an IP address, or `*.` and a name. */
const HOST_NAME = /^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/i;
const isHostPattern = (host: string): boolean => HOST_NAME.test(host) || isIP(host.replace(/^\[(.*)\]$/, '$1')) !== 0;

/**
 * The settings of the one fetcher of URLs that clients name (`jwks_uri`, client ID metadata
 * documents, trusted issuers' keys; docs/decisions/0040-guarded-fetcher.md).
 */
export const fetchSettings = {
  GRANTLINE_FETCH_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((host) => host.trim())
        .filter((host) => host !== ''),
    )
    .refine((hosts) => hosts.every(isHostPattern), 'comma-separated host names, IP addresses or *.name')
    .describe(
      'Hosts the fetcher of client-named URLs may reach at any address, loopback and private ones included ' +
        '(comma-separated: `localhost`, `127.0.0.1`, `[::1]`, `*.test`); for tests and development only.',
    ),
  GRANTLINE_FETCH_CA_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('PEM file of CA certificates the fetcher trusts besides the public roots (a test CA).'),
  GRANTLINE_FETCH_ALLOW_HTTP: flag
    .default(false)
    .describe('Let the fetcher use plain http, to the hosts of GRANTLINE_FETCH_ALLOWED_HOSTS only (development).'),
  GRANTLINE_FETCH_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(5000)
    .describe('How long one fetch may take in all: resolving, connecting, the headers and the whole body.'),
  GRANTLINE_FETCH_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(64 * 1024)
    .describe('The largest body the fetcher accepts, in bytes; a larger one is refused.'),
};
