// The MCP server's way to the orders API: each call gets a token exchanged for the orders API
// (its audience, `orders:read` only) from the caller's token, and sends that one instead.
import { z } from 'zod';
import { tokenExchanger } from './token-exchange.mjs';

const answerSchema = z.object({ orders: z.array(z.unknown()), seen: z.record(z.string(), z.unknown()) });

/**
 * @param {{ ordersResource: string, tokenEndpoint: string, clientId: string, clientSecret: string }} options
 */
export function ordersClient({ ordersResource, ...client }) {
  const exchange = tokenExchanger(client);
  return {
    async listOrders(userToken, status) {
      const token = await exchange(userToken, { resource: ordersResource, scope: 'orders:read' });
      const url = new URL(ordersResource);
      if (status !== undefined) url.searchParams.set('status', status);
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(5_000),
      });
      if (response.status !== 200) throw new Error(`the orders API answered ${response.status}`);
      return answerSchema.parse(await response.json());
    },
  };
}
