// The tools this server offers. Each reads who is calling from the verified token
// (`extra.authInfo`), which the SDK's bearer middleware put on the request.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

function text(value) {
  return { content: [{ type: 'text', text: JSON.stringify(value) }] };
}

/**
 * A fresh MCP server with its tools, one per request (stateless Streamable HTTP).
 * @param {{ listOrders: (userToken: string, status: string | undefined) => Promise<unknown> }} downstream
 */
export function ordersMcpServer({ listOrders }) {
  const server = new McpServer({ name: 'grantline-example-orders', version: '0.1.0' });
  server.registerTool(
    'whoami',
    { description: 'Who the access token was issued to, and with which scopes' },
    async (extra) => text({ sub: extra.authInfo?.extra?.sub ?? null, scopes: extra.authInfo?.scopes ?? [] }),
  );
  server.registerTool(
    'list_orders',
    {
      description: "The caller's orders, optionally only those with a status",
      inputSchema: { status: z.enum(['packing', 'shipped']).optional() },
    },
    // The orders live in another API: `listOrders` exchanges the verified token for one of its own.
    async ({ status }, extra) => text(await listOrders(extra.authInfo?.token ?? '', status)),
  );
  return server;
}
