// The tools this server offers. Each reads who is calling from the verified token
// (`extra.authInfo`), which the SDK's bearer middleware put on the request.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

const ORDERS = [
  { id: 'o-1001', item: 'Espresso beans, 1 kg', status: 'shipped' },
  { id: 'o-1002', item: 'Milk jug', status: 'packing' },
];

function text(value) {
  return { content: [{ type: 'text', text: JSON.stringify(value) }] };
}

/** A fresh MCP server with its tools, one per request (stateless Streamable HTTP). */
export function ordersMcpServer() {
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
    // A tool that needed another API would get a token of its own for it, exchanged at Grantline
    // (RFC 8693) with `extra.authInfo.token` as the subject token, and never forward this token.
    async ({ status }) => text(ORDERS.filter((order) => status === undefined || order.status === status)),
  );
  return server;
}
