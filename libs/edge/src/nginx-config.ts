import type { RoutingTable } from './routing-table';

export interface NginxOptions {
  listen: { host: string; port: number };
  /** Loopback ports of each service's replicas. */
  upstreams: Record<string, number[]>;
  /** Folder nginx may write its pid, logs and temp files to. */
  prefix: string;
}

/**
 * How long nginx keeps an idle upstream connection. It must stay below every replica's drain
 * delay (GRANTLINE_SHUTDOWN_DELAY_MS): a connection idle through the whole delay is then one
 * nginx has already dropped, never one it is writing a request to while the replica closes it
 * (docs/decisions/0024-graceful-shutdown.md).
 */
export const UPSTREAM_IDLE_TIMEOUT_MS = 1_000;

/** The edge's own health answer; it names the edge, so a probe cannot take a service for it. */
export const EDGE_HEALTH = { status: 'ok', service: 'edge' } as const;

/** Whether a /healthz body is the edge's own. */
export function isEdgeHealth(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { service?: unknown }).service === EDGE_HEALTH.service;
}

/**
 * The local stack's reverse proxy: keep-alive upstreams to every replica, one location per
 * route, request ids passed through, and the client's address forwarded. As the outermost proxy
 * it overwrites X-Forwarded-For with the address it saw (docs/decisions/0013-forwarded-addresses.md).
 */
export function nginxConfig(table: RoutingTable, options: NginxOptions): string {
  const upstreams = table.services.map((service) => {
    const ports = options.upstreams[service];
    if (!ports || ports.length === 0) throw new Error(`no replicas given for ${service}`);
    const servers = ports.map((port) => `    server 127.0.0.1:${port} max_fails=0;`).join('\n');
    return `  upstream ${service} {\n${servers}\n    keepalive 64;\n    keepalive_timeout ${UPSTREAM_IDLE_TIMEOUT_MS}ms;\n  }`;
  });
  const locations = table.routes.map((route) => {
    const matcher = route.match === 'exact' ? `= ${route.path}` : route.path;
    return `    location ${matcher} { proxy_pass http://${route.service}; }`;
  });
  return `worker_processes 1;
daemon off;
pid ${options.prefix}/nginx.pid;
error_log ${options.prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${options.prefix}/client_body;
  proxy_temp_path ${options.prefix}/proxy;
  fastcgi_temp_path ${options.prefix}/fastcgi;
  uwsgi_temp_path ${options.prefix}/uwsgi;
  scgi_temp_path ${options.prefix}/scgi;
  server_tokens off;
  client_max_body_size 64k;
  keepalive_requests 100000;
${upstreams.join('\n')}
  server {
    listen ${options.listen.host}:${options.listen.port} reuseport;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;
    # nginx is the outermost proxy here: it forwards the address it saw and drops any
    # X-Forwarded-For the caller sent. Appending ($proxy_add_x_forwarded_for) would let a caller
    # on a trusted (loopback) address pick the address the per-address limits count.
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header X-Request-Id $request_id;
    # A replica that stopped listening refuses the connection before anything is sent, so every
    # request, POST included, goes to the next replica. A request already sent is never sent
    # again (no non_idempotent): it may have issued a token or rotated a refresh token. Replicas
    # make sure such a send cannot meet a closing socket (docs/decisions/0024-graceful-shutdown.md).
    proxy_next_upstream error timeout;
${locations.join('\n')}
    location = /healthz { return 200 '${JSON.stringify(EDGE_HEALTH)}'; default_type application/json; }
    location / { return 404 '{"error":"not_found"}'; default_type application/json; }
  }
}
`;
}
