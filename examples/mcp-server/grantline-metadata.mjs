// Grantline's endpoints, read from its authorization server metadata (RFC 8414) at start.
import { z } from 'zod';

const metadataSchema = z.object({
  issuer: z.string().url(),
  introspection_endpoint: z.string().url(),
  token_endpoint: z.string().url(),
});

/** @param {string} grantlineUrl */
export async function discoverGrantline(grantlineUrl) {
  const response = await fetch(new URL('/.well-known/oauth-authorization-server', grantlineUrl), {
    signal: AbortSignal.timeout(5_000),
  });
  const metadata = metadataSchema.parse(await response.json());
  return {
    issuer: metadata.issuer,
    introspectionEndpoint: metadata.introspection_endpoint,
    tokenEndpoint: metadata.token_endpoint,
  };
}
