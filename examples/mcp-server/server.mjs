// An MCP server protected by Grantline. It reads Grantline's metadata (RFC 8414) to find the
// introspection and token endpoints, then serves MCP at its resource URL.
//
//   GRANTLINE_URL=http://127.0.0.1:3000 MCP_CLIENT_ID=orders-mcp MCP_CLIENT_SECRET=... \
//   ORDERS_API_URL=http://127.0.0.1:3200/orders PORT=3100 node server.mjs
import process from 'node:process';
import { z } from 'zod';
import { createApp } from './app.mjs';
import { discoverGrantline } from './grantline-metadata.mjs';
import { listenOnLoopback } from './listen.mjs';

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
    ORDERS_API_URL: z
      .string()
      .url()
      .default('http://127.0.0.1:3200/orders')
      .describe('the orders API, as a resource registered at Grantline'),
  })
  .parse(process.env);

const grantline = await discoverGrantline(config.GRANTLINE_URL);
listenOnLoopback(
  createApp({
    ...grantline,
    resource: config.MCP_RESOURCE ?? `http://127.0.0.1:${config.PORT}/mcp`,
    clientId: config.MCP_CLIENT_ID,
    clientSecret: config.MCP_CLIENT_SECRET,
    scopes: config.MCP_SCOPES.split(' ').filter(Boolean),
    ordersResource: config.ORDERS_API_URL,
  }),
  config.PORT,
);
