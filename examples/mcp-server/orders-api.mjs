// A downstream API the MCP server calls: `GET` at its resource URL answers the caller's orders.
// It accepts only tokens whose audience is its own URL, checked by introspection as the client
// linked to it, and says who it saw so a caller can tell which token reached it.
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import express from 'express';
import { z } from 'zod';
import { introspectionVerifier } from './introspection-verifier.mjs';

const ORDERS = [
  { id: 'o-1001', item: 'Espresso beans, 1 kg', status: 'shipped' },
  { id: 'o-1002', item: 'Milk jug', status: 'packing' },
];

const querySchema = z.object({ status: z.enum(['packing', 'shipped']).optional() });

/**
 * @param {{ resource: string, introspectionEndpoint: string, clientId: string, clientSecret: string }} options
 */
export function createOrdersApi(options) {
  const app = express();
  app.disable('x-powered-by');
  const bearer = requireBearerAuth({
    verifier: introspectionVerifier(options),
    requiredScopes: ['orders:read'],
    expectedResource: new URL(options.resource),
  });
  app.get(new URL(options.resource).pathname, bearer, (req, res) => {
    const query = querySchema.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: 'invalid_request' });
      return;
    }
    const { status } = query.data;
    const { sub, act, aud } = req.auth.extra;
    res.json({
      // The example's sample orders stand for the subject's own.
      orders: ORDERS.filter((order) => status === undefined || order.status === status).map((order) => ({
        ...order,
        customer: sub,
      })),
      seen: { sub, act: act ?? null, client_id: req.auth.clientId, aud },
    });
  });
  return app;
}
