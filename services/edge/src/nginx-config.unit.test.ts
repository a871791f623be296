import { loadRoutingTable } from './routing-table';
import { nginxConfig } from './nginx-config';

describe('nginx config from the routing table', () => {
  const config = nginxConfig(loadRoutingTable(), {
    listen: { host: '127.0.0.1', port: 3000 },
    upstreams: { authorize: [4006], token: [4001, 4002], introspection: [4003, 4004], admin: [4005] },
    prefix: '/var/tmp/edge',
  });

  it('routes each path exactly as the table says', () => {
    expect(config).toContain('location = /oauth/token { proxy_pass http://token; }');
    expect(config).toContain('location = /oauth/introspect { proxy_pass http://introspection; }');
    expect(config).toContain('location /admin/ { proxy_pass http://admin; }');
    expect(config).toContain('location = /oauth/authorize { proxy_pass http://authorize; }');
    expect(config).toContain('location = /api/user { proxy_pass http://introspection; }');
  });

  it('keeps upstream connections alive to every replica', () => {
    expect(config).toMatch(
      /upstream token \{\s+server 127\.0\.0\.1:4001 max_fails=0;\s+server 127\.0\.0\.1:4002 max_fails=0;\s+keepalive 64;/,
    );
    expect(config).toContain('proxy_set_header Connection "";');
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
