import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const routingTableSchema = z.object({
  services: z.array(z.string().regex(/^[a-z][a-z-]*$/)).min(1),
  routes: z
    .array(
      z.object({
        path: z.string().startsWith('/'),
        match: z.enum(['exact', 'prefix']),
        service: z.string(),
      }),
    )
    .min(1),
});
export type RoutingTable = z.infer<typeof routingTableSchema>;

/** Reads and checks the repository's routing table (libs/edge/routes.json). */
export function loadRoutingTable(path = join(__dirname, '..', 'routes.json')): RoutingTable {
  const table = routingTableSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  const unknown = table.routes.filter((route) => !table.services.includes(route.service));
  if (unknown.length > 0) throw new Error(`routes name unknown services: ${unknown.map((r) => r.service).join(', ')}`);
  return table;
}
