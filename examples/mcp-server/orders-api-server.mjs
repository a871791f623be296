// Runs the example's downstream orders API.
//
//   GRANTLINE_URL=http://127.0.0.1:3000 ORDERS_CLIENT_ID=orders-api ORDERS_CLIENT_SECRET=... \
//   PORT=3200 node orders-api-server.mjs
import process from 'node:process';
import { z } from 'zod';
import { discoverGrantline } from './grantline-metadata.mjs';
import { createOrdersApi } from './orders-api.mjs';
import { listenOnLoopback } from './listen.mjs';

const config = z
  .object({
    GRANTLINE_URL: z.string().url().describe("Grantline's issuer"),
    ORDERS_CLIENT_ID: z.string().min(1).describe('the client linked to this resource, for introspection'),
    ORDERS_CLIENT_SECRET: z.string().min(1).describe("that client's secret"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3200).describe('the port to listen on, on loopback'),
    ORDERS_RESOURCE: z
      .string()
      .url()
      .optional()
      .describe('this API as callers name it; default http://127.0.0.1:PORT/orders'),
  })
  .parse(process.env);

const { introspectionEndpoint } = await discoverGrantline(config.GRANTLINE_URL);
listenOnLoopback(
  createOrdersApi({
    resource: config.ORDERS_RESOURCE ?? `http://127.0.0.1:${config.PORT}/orders`,
    introspectionEndpoint,
    clientId: config.ORDERS_CLIENT_ID,
    clientSecret: config.ORDERS_CLIENT_SECRET,
  }),
  config.PORT,
);
