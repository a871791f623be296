import { loadRoutingTable } from './routing-table';
import { EDGE_HEALTH, isEdgeHealth, nginxConfig, UPSTREAM_IDLE_TIMEOUT_MS } from './nginx-config';

describe('nginx config from the routing table', () => {
  const config = nginxConfig(loadRoutingTable(), {
    listen: { host: '127.0.0.1', port: 3000 },
    upstreams: {
      authorize: [4006],
      token: [4001, 4002],
      introspection: [4003, 4004],
      'device-polling': [4007],
      admin: [4005],
    },
    prefix: '/var/tmp/edge',
  });

  it('routes each path exactly as the table says', () => {
    expect(config).toContain('location = /oauth/token { proxy_pass http://token; }');
    expect(config).toContain('location = /oauth/introspect { proxy_pass http://introspection; }');
    expect(config).toContain('location /admin/ { proxy_pass http://admin; }');
    expect(config).toContain('location = /oauth/authorize { proxy_pass http://authorize; }');
    expect(config).toContain('location = /api/user { proxy_pass http://introspection; }');
    // Every discovery document, /.well-known/oauth-protected-resource (RFC 9728) and its
    // path-suffixed forms included, is the token service's.
    expect(config).toContain('location /.well-known/ { proxy_pass http://token; }');
  });

  it('keeps upstream connections alive to every replica', () => {
    expect(config).toMatch(
      /upstream token \{\s+server 127\.0\.0\.1:4001 max_fails=0;\s+server 127\.0\.0\.1:4002 max_fails=0;\s+keepalive 64;/,
    );
    expect(config).toContain('proxy_set_header Connection "";');
  });

  it("drops idle upstream connections well within a replica's drain delay, and retries only what was never sent", () => {
    expect(UPSTREAM_IDLE_TIMEOUT_MS).toBeLessThan(2_000);
    expect(config).toMatch(/upstream token \{[^}]*keepalive 64;\s+keepalive_timeout 1000ms;\s+\}/);
    const directives = config.split('\n').map((line) => line.trim());
    expect(directives.filter((line) => line.startsWith('proxy_next_upstream'))).toEqual([
      'proxy_next_upstream error timeout;',
    ]);
  });

  it("overwrites the caller's X-Forwarded-For with the address nginx saw, never appends to it", () => {
    const directives = config
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => !line.startsWith('#'));
    const forwarded = directives.filter((line) => /^proxy_set_header\s+X-Forwarded-For\s/i.test(line));
    expect(forwarded).toEqual(['proxy_set_header X-Forwarded-For $remote_addr;']);
    expect(directives.filter((line) => line.includes('$proxy_add_x_forwarded_for'))).toEqual([]);
    expect(directives).toContain('proxy_set_header X-Real-IP $remote_addr;');
  });

  it('answers /healthz itself, naming the edge, so a service on the same port is never taken for it', () => {
    const line = config.split('\n').find((candidate) => candidate.includes('location = /healthz'));
    const body = /return 200 '([^']*)'/.exec(line ?? '')?.[1];
    expect(JSON.parse(body ?? 'null')).toEqual(EDGE_HEALTH);
    expect(isEdgeHealth(EDGE_HEALTH)).toBe(true);
    expect(isEdgeHealth({ status: 'ok' })).toBe(false);
    expect(isEdgeHealth(null)).toBe(false);
  });

  it('refuses a table naming a service without replicas', () => {
    expect(() =>
      nginxConfig(loadRoutingTable(), {
        listen: { host: '127.0.0.1', port: 1 },
        upstreams: { token: [1] },
        prefix: '/x',
      }),
    ).toThrow(/no replicas given/);
  });
});
