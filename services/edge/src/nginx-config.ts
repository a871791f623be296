import type { RoutingTable } from './routing-table';

export interface NginxOptions {
  listen: { host: string; port: number };
  /** Loopback ports of each service's replicas. */
  upstreams: Record<string, number[]>;
  /** Folder nginx may write its pid, logs and temp files to. */
  prefix: string;
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
    return `  upstream ${service} {\n${servers}\n    keepalive 64;\n  }`;
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
    proxy_next_upstream error timeout;
${locations.join('\n')}
    location = /healthz { return 200 '{"status":"ok"}'; default_type application/json; }
    location / { return 404 '{"error":"not_found"}'; default_type application/json; }
  }
}
`;
}
