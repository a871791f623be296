// The HTTP side of the example MCP server: its protected resource metadata (RFC 9728), the
// bearer check and the MCP endpoint (Streamable HTTP, stateless).
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import express from 'express';
import { introspectionVerifier } from './introspection-verifier.mjs';
import { ordersClient } from './orders-client.mjs';
import { ordersMcpServer } from './tools.mjs';

/** RFC 9728 §3.1: the well-known suffix goes between the host and the resource's path. */
export function metadataPath(resource) {
  const { pathname } = new URL(resource);
  return `/.well-known/oauth-protected-resource${pathname === '/' ? '' : pathname}`;
}

/**
 * @param {{ resource: string, issuer: string, introspectionEndpoint: string, tokenEndpoint: string,
 *           clientId: string, clientSecret: string, scopes: string[], ordersResource: string }} options
 */
export function createApp(options) {
  const { resource, issuer, scopes } = options;
  const metadataUrl = new URL(metadataPath(resource), resource).href;
  const downstream = ordersClient(options);
  const app = express();
  app.disable('x-powered-by');

  app.get(metadataPath(resource), (_req, res) => {
    res.set('Cache-Control', 'max-age=300');
    res.json({
      resource,
      authorization_servers: [issuer],
      scopes_supported: scopes,
      bearer_methods_supported: ['header'],
      resource_name: 'Orders (example MCP server)',
    });
  });

  const bearer = requireBearerAuth({
    verifier: introspectionVerifier(options),
    expectedResource: new URL(resource),
    // RFC 9728 §5.1: the challenge names where to learn how to get a token.
    resourceMetadataUrl: metadataUrl,
  });
  const mcpPath = new URL(resource).pathname;
  app.post(mcpPath, bearer, express.json({ limit: '1mb' }), async (req, res) => {
    const server = ordersMcpServer(downstream);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  // Stateless: no server-sent event stream to open and no session to end.
  app.all(mcpPath, bearer, (_req, res) => {
    res.set('Allow', 'POST').status(405).json({ error: 'method_not_allowed' });
  });
  return app;
}
