// An MCP server protected by Grantline. It reads Grantline's metadata (RFC 8414) to find the
// introspection endpoint, then serves MCP at its resource URL.
//
//   GRANTLINE_URL=http://127.0.0.1:3000 MCP_CLIENT_ID=orders-mcp MCP_CLIENT_SECRET=... \
//   PORT=3100 node server.mjs
import process from 'node:process';
import { z } from 'zod';
import { createApp } from './app.mjs';

const config = z
  .object({
    GRANTLINE_URL: z.string().url().describe("Grantline's issuer"),
    MCP_CLIENT_ID: z.string().min(1).describe('the client linked to this resource, for introspection'),
    MCP_CLIENT_SECRET: z.string().min(1).describe("that client's secret"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3100).describe('the port to listen on, on loopback'),
    MCP_RESOURCE: z
      .string()
      .url()
      .optional()
      .describe('this server as clients name it; default http://127.0.0.1:PORT/mcp'),
    MCP_SCOPES: z.string().default('orders:read').describe('space separated scopes the resource offers'),
  })
  .parse(process.env);

const discovery = await fetch(new URL('/.well-known/oauth-authorization-server', config.GRANTLINE_URL), {
  signal: AbortSignal.timeout(5_000),
});
const { issuer, introspection_endpoint: introspectionEndpoint } = z
  .object({ issuer: z.string().url(), introspection_endpoint: z.string().url() })
  .parse(await discovery.json());

const listener = createApp({
  resource: config.MCP_RESOURCE ?? `http://127.0.0.1:${config.PORT}/mcp`,
  issuer,
  introspectionEndpoint,
  clientId: config.MCP_CLIENT_ID,
  clientSecret: config.MCP_CLIENT_SECRET,
  scopes: config.MCP_SCOPES.split(' ').filter(Boolean),
}).listen(config.PORT, '127.0.0.1', () => {
  const { port } = listener.address();
  process.stdout.write(`${JSON.stringify({ listening: `http://127.0.0.1:${port}` })}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => listener.close(() => process.exit(0)));
