import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { repoRoot } from '@grantline/lib-infra';
import { describeClientCredentialsContract } from '../support/client-credentials-contract';
import { describeAuthorizationCodeContract } from '../support/authorization-code-contract';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { sharedTestStack, type TestStack } from './stack-fixture';

let stack: TestStack;
let client: GrantlineTestClient;

beforeAll(async () => {
  stack = await sharedTestStack();
  client = new GrantlineTestClient(stack.url, stack.adminToken);
}, 120_000);

describeClientCredentialsContract('stack', () => client);
describeAuthorizationCodeContract('stack', () => client);

describe('stack: replicas and the audit projection', () => {
  it('registers a client with the grantline CLI, usable at once through every token replica', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(repoRoot(), 'libs/cli/dist/main.js'), 'client', 'create', '--name', 'cli', '--scopes', 'read'],
      {
        env: { PATH: process.env.PATH, GRANTLINE_URL: stack.url, GRANTLINE_ADMIN_TOKEN: stack.adminToken },
        timeout: 30_000,
      },
    );
    const created = JSON.parse(stdout) as { client_id: string; client_secret: string };
    for (const replica of stack.services.filter((service) => service.name === 'token')) {
      const response = await client.form(
        '/oauth/token',
        { grant_type: 'client_credentials', client_id: created.client_id, client_secret: created.client_secret },
        {},
        replica.url,
      );
      expect(response.status).toBe(200);
    }
  });

  it('serves the OpenAPI description through the edge, from the token service', async () => {
    const response = await fetch(`${stack.url}/.well-known/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(await response.json()).toMatchObject({ openapi: expect.stringMatching(/^3\.1\./) });
  });

  it('creates a user with the grantline CLI, readable at once through the Redis projection', async () => {
    const cli = (args: string[], input?: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const child = execFile(
          process.execPath,
          [join(repoRoot(), 'libs/cli/dist/main.js'), ...args],
          {
            env: { PATH: process.env.PATH, GRANTLINE_URL: stack.url, GRANTLINE_ADMIN_TOKEN: stack.adminToken },
            timeout: 30_000,
          },
          (error, stdout, stderr) =>
            error ? reject(Object.assign(error, { stderr })) : resolve(JSON.parse(stdout) as Record<string, unknown>),
        );
        child.stdin?.end(input ?? '');
      });
    const email = `stack-${Date.now()}@example.com`;
    const created = await cli(
      ['user', 'create', '--email', email, '--name', 'Stack', '--password-stdin'],
      'stack-password\n',
    );
    expect(created).toMatchObject({ email, disabled: false });
    expect(await cli(['user', 'show', String(created.user_id)])).toEqual(created);
    await expect(
      cli(
        ['user', 'create', '--email', email.toUpperCase(), '--name', 'Again', '--password-stdin'],
        'stack-password\n',
      ),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('409') });
  });

  it('makes a token revoked through one replica inactive on every replica at once', async () => {
    const registered = await client.registerClient({ name: 'replicas', scopes: 'read' });
    const introspectors = stack.services.filter((service) => service.name === 'introspection');
    const tokens = stack.services.filter((service) => service.name === 'token');
    expect(introspectors.length).toBe(2);
    expect(tokens.length).toBe(2);
    for (let round = 0; round < 20; round += 1) {
      const issuer = tokens[round % tokens.length];
      const response = await client.form(
        '/oauth/token',
        { grant_type: 'client_credentials', client_id: registered.client_id, client_secret: registered.client_secret },
        {},
        issuer?.url,
      );
      const token = String(((await response.json()) as Record<string, unknown>).access_token);
      const revoker = tokens[(round + 1) % tokens.length];
      expect((await client.form('/oauth/revoke', { token }, {}, revoker?.url)).status).toBe(200);
      const answers = await Promise.all(
        introspectors.map((replica) =>
          client.introspect(token, registered.client_id, registered.client_secret, replica.url),
        ),
      );
      expect(answers).toEqual([{ active: false }, { active: false }]);
    }
  });

  it('records client registration, issuance and revocation in MongoDB exactly once each', async () => {
    const registered = await client.registerClient({ name: 'audited', scopes: 'read' });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const issuedResponse = await client.form(
      '/oauth/token',
      { grant_type: 'client_credentials', client_id: registered.client_id, client_secret: registered.client_secret },
      { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    );
    const token = String(((await issuedResponse.json()) as Record<string, unknown>).access_token);
    await client.revoke(token);
    const mongo = new MongoClient(stack.env.MONGODB_URL ?? '');
    try {
      const audit = mongo.db(stack.env.GRANTLINE_MONGODB_DATABASE).collection('audit_events');
      const expected = ['ClientRegistered', 'AccessTokenIssued', 'AccessTokenRevoked'];
      const deadline = Date.now() + 20_000;
      let types: string[] = [];
      while (Date.now() < deadline) {
        const entries = await audit.find({ clientId: registered.client_id }).toArray();
        types = entries.map((entry) => String(entry.type)).sort();
        if (types.length >= expected.length) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(types).toEqual([...expected].sort());
      const issued = await audit.findOne({ clientId: registered.client_id, type: 'AccessTokenIssued' });
      expect(JSON.stringify(issued)).not.toContain(token);
      expect(JSON.stringify(issued)).not.toContain(registered.client_secret);
      const viaCli = JSON.parse(
        (
          await promisify(execFile)(
            process.execPath,
            [join(repoRoot(), 'libs/cli/dist/main.js'), 'audit', '--client-id', registered.client_id],
            { env: { PATH: process.env.PATH, GRANTLINE_URL: stack.url, GRANTLINE_ADMIN_TOKEN: stack.adminToken } },
          )
        ).stdout,
      ) as { entries: Array<{ type: string; traceparent: string | null }> };
      expect(viaCli.entries.map((entry) => entry.type).sort()).toEqual([...expected].sort());
      // The audit entry names the trace of the request that caused it.
      expect(issued?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    } finally {
      await mongo.close();
    }
  });

  it('verifies the Redis projection against the log, notices when it is damaged, and rebuilds it', async () => {
    const projections = (command: string) =>
      promisify(execFile)(process.execPath, [join(repoRoot(), 'libs/cli/dist/main.js'), 'projections', command], {
        env: stack.env,
        timeout: 60_000,
      });
    const verify = () => projections('verify');
    const healthy = JSON.parse((await verify()).stdout) as Record<string, unknown>;
    expect(healthy).toMatchObject({ consistent: true, differences: [] });
    expect(healthy.clients).toBeGreaterThan(0);
    expect(healthy.revocations).toBeGreaterThan(0);

    const victim = await client.registerClient({ name: 'to be lost', scopes: 'read' });
    const redis = new Redis(stack.env.REDIS_URL ?? '');
    try {
      const prefix = stack.env.GRANTLINE_REDIS_PREFIX ?? '';
      const generation = await redis.hget(`${prefix}projection`, 'generation');
      expect(await redis.del(`${prefix}${generation}:client:${victim.client_id}`)).toBe(1);
    } finally {
      redis.disconnect();
    }
    const damaged = await verify().catch((error: { code: number; stdout: string }) => error);
    expect('code' in damaged ? damaged.code : 0).toBe(1);
    const report = JSON.parse(damaged.stdout) as { checksums: { clients: { matches: boolean } } };
    expect(report).toMatchObject({
      consistent: false,
      differences: [{ kind: 'client-missing', clientId: victim.client_id }],
    });
    expect(report.checksums.clients.matches).toBe(false);

    const rebuilt = JSON.parse((await projections('rebuild')).stdout) as Record<string, unknown>;
    expect(rebuilt).toMatchObject({ generation: expect.stringMatching(/^g/), replaced: expect.stringMatching(/^g/) });
    // The lost client is back at once, from the rebuilt generation.
    expect(await client.clientCredentials(victim.client_id, victim.client_secret, 'read')).toHaveProperty(
      'access_token',
    );
    expect(JSON.parse((await verify()).stdout)).toMatchObject({ consistent: true, differences: [] });
  });
});
