import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '@grantline/lib-config';
import { keyRingFromJwks } from '@grantline/lib-tokens';

/*
 * The Helm chart, checked with the field's own tools (deploy/checks/check-chart.sh: helm lint,
 * helm template, kubecheck, the OPA platform policies and their tests), plus what the render
 * must say about Grantline itself. The first run builds helm, opa and kubecheck from the Go
 * module proxy: 27 minutes measured on a loaded 2-core machine (helm 16, opa 8, kubecheck 4),
 * about 5 seconds for the whole check once they are cached.
 */

const root = join(__dirname, '..', '..');
const checks = join(root, 'deploy', 'checks');
const chart = join(root, 'deploy', 'helm', 'grantline');
const TOOLS_TIMEOUT_MS = 45 * 60_000;
const RENDER_TIMEOUT_MS = 2 * 60_000;
const run = promisify(execFile);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; a non-zero exit is reported, not thrown. */
async function outcome(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd: root, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const manifestSchema = z
  .object({ kind: z.string(), metadata: z.object({ name: z.string() }).passthrough() })
  .passthrough();
type Manifest = z.infer<typeof manifestSchema>;

function readManifests(path: string): Manifest[] {
  return z.array(manifestSchema).parse(JSON.parse(readFileSync(path, 'utf8')));
}

function only(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.filter((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name} in the render, found ${found.length}`);
  return found[0] as Manifest;
}

const routingTableSchema = z.object({
  routes: z.array(z.object({ path: z.string(), match: z.enum(['exact', 'prefix']), service: z.string() })),
});
const ingressSchema = z.object({
  spec: z.object({
    rules: z.array(
      z.object({
        http: z.object({
          paths: z.array(
            z.object({
              path: z.string(),
              pathType: z.string(),
              backend: z.object({ service: z.object({ name: z.string(), port: z.object({ number: z.number() }) }) }),
            }),
          ),
        }),
      }),
    ),
  }),
});

/** What the Ingress must hold for the routing table: Prefix paths lose their trailing "/". */
function expectedIngressPaths(options: { exposeAdmin: boolean }) {
  const table = routingTableSchema.parse(JSON.parse(readFileSync(join(root, 'libs', 'edge', 'routes.json'), 'utf8')));
  return table.routes
    .filter((route) => options.exposeAdmin || route.service !== 'admin')
    .map((route) => ({
      path: route.match === 'exact' ? route.path : route.path.replace(/(.)\/$/, '$1'),
      pathType: route.match === 'exact' ? 'Exact' : 'Prefix',
      backend: { service: { name: `grantline-${route.service}`, port: { number: 8080 } } },
    }));
}

describe('the Helm chart deploy/helm/grantline', () => {
  const out = mkdtempSync(join(tmpdir(), 'grantline-chart-'));
  let check: Outcome;
  let tools: { helm: string; kubecheck: string; opa: string };

  beforeAll(async () => {
    check = await outcome(join(checks, 'check-chart.sh'), [out]);
    const paths = await outcome('bash', [
      '-c',
      `eval "$("${join(checks, 'tools.sh')}")" && echo "$HELM $KUBECHECK $OPA"`,
    ]);
    const [helm = '', kubecheck = '', opa = ''] = paths.stdout.trim().split(' ');
    tools = { helm, kubecheck, opa };
  }, TOOLS_TIMEOUT_MS);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('passes helm lint, kubecheck, the platform policies and their tests, for default and production values', () => {
    expect({ code: check.code, stderr: check.stderr }).toEqual({
      code: 0,
      stderr: expect.stringContaining('all checks passed'),
    });
  });

  it.each([
    ['default', true],
    ['production', false],
  ])('routes exactly the routing table through the Ingress (%s values)', (variant, exposeAdmin) => {
    const ingress = ingressSchema.parse(only(readManifests(join(out, `${variant}.json`)), 'Ingress', 'grantline'));
    expect(ingress.spec.rules.flatMap((rule) => rule.http.paths)).toEqual(expectedIngressPaths({ exposeAdmin }));
  });

  it('sends token replicas’ device-code polls to the device-polling Service', () => {
    const manifests = readManifests(join(out, 'default.json'));
    const token = JSON.stringify(only(manifests, 'Deployment', 'grantline-token'));
    expect(token).toContain('"name":"GRANTLINE_DEVICE_POLLING_URL","value":"http://grantline-device-polling:8080"');
    expect(JSON.stringify(only(manifests, 'Service', 'grantline-device-polling'))).toContain('"port":8080');
  });

  it('generates an ES256 key that signs access tokens and an RS256 key for ID tokens, both accepted, an admin token and a pairwise salt', async () => {
    const secret = z
      .object({
        data: z.object({ 'signing-keys.json': z.string(), 'admin-token': z.string(), 'pairwise-salt': z.string() }),
      })
      .parse(only(readManifests(join(out, 'default.json')), 'Secret', 'grantline-keys'));
    const ecJwk = z.object({
      kid: z.string(),
      kty: z.literal('EC'),
      crv: z.literal('P-256'),
      x: z.string(),
      y: z.string(),
      d: z.string(),
    });
    const rsaEntry = z
      .object({
        kid: z.string(),
        alg: z.literal('RS256'),
        pem: z.string().startsWith('-----BEGIN RSA PRIVATE KEY-----'),
      })
      .strict();
    const entries = z
      .tuple([ecJwk, rsaEntry])
      .parse(JSON.parse(Buffer.from(secret.data['signing-keys.json'], 'base64').toString('utf8')));
    const [jwk, rsa] = entries;
    const derived = createPublicKey(createPrivateKey({ key: jwk, format: 'jwk' })).export({ format: 'jwk' });
    expect({ x: derived.x, y: derived.y }).toEqual({ x: jwk.x, y: jwk.y });
    const ring = await keyRingFromJwks(entries);
    expect(ring).toMatchObject({ active: { kid: jwk.kid, alg: 'ES256' } });
    expect(ring.algorithms()).toEqual(['ES256', 'RS256']);
    expect(ring.signerFor('RS256')?.kid).toBe(rsa.kid);
    expect(Buffer.from(secret.data['admin-token'], 'base64').toString('utf8')).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(Buffer.from(secret.data['pairwise-salt'], 'base64').toString('utf8')).toMatch(/^[A-Za-z0-9]{48}$/);
  });

  it.each(['grantline-token', 'grantline-introspection', 'grantline-authorize', 'grantline-admin'])(
    'gives %s the pairwise salt, optional so that a Secret without one still starts it',
    (deployment) => {
      const rendered = JSON.stringify(only(readManifests(join(out, 'production.json')), 'Deployment', deployment));
      expect(rendered).toContain(
        '{"name":"GRANTLINE_PAIRWISE_SALT","valueFrom":{"secretKeyRef":{"key":"pairwise-salt","name":"grantline-keys","optional":true}}}',
      );
    },
  );

  it.each(['default', 'production'])('renders settings every service accepts (%s values)', (variant) => {
    const manifests = readManifests(join(out, `${variant}.json`));
    const settings = z
      .object({ data: z.record(z.string(), z.string()) })
      .parse(only(manifests, 'ConfigMap', 'grantline'));
    // The secrets come from Secrets the chart renders or the operator brings: a stand-in for each
    // variable the token service's pod takes from a Secret.
    const known: Record<string, string> = {
      REDIS_URL: 'redis://redis:6379',
      MONGODB_URL: 'mongodb://mongodb:27017',
      GRANTLINE_ADMIN_TOKEN: 'x'.repeat(32),
    };
    const fromSecrets = z
      .object({
        spec: z.object({
          template: z.object({
            spec: z.object({
              containers: z.array(
                z.object({
                  env: z
                    .array(
                      z.object({ name: z.string(), valueFrom: z.object({ secretKeyRef: z.unknown() }).optional() }),
                    )
                    .default([]),
                }),
              ),
            }),
          }),
        }),
      })
      .parse(only(manifests, 'Deployment', 'grantline-token'))
      .spec.template.spec.containers.flatMap((container) => container.env)
      .filter((variable) => variable.valueFrom?.secretKeyRef !== undefined)
      .map((variable) => variable.name);
    expect(fromSecrets).toContain('GRANTLINE_SIGNING_KEYS');
    const secrets = Object.fromEntries(fromSecrets.map((name) => [name, known[name] ?? 'x'.repeat(32)]));
    const config = loadConfig({ ...settings.data, ...known, ...secrets });
    expect(config).toMatchObject({
      GRANTLINE_HOST: '0.0.0.0',
      PORT: 8080,
      GRANTLINE_ISSUER: 'https://auth.example.com',
    });
    expect(config.GRANTLINE_KAFKA_REPLICATION_FACTOR).toBe(variant === 'production' ? 3 : 1);
  });

  /** Renders with one extra value, then runs kubecheck and the policies on the result. */
  async function renderBroken(setting: string): Promise<{ kubecheck: Outcome; policy: Outcome }> {
    const render = await outcome(tools.helm, ['template', 'grantline', chart, '--set', setting]);
    expect(render.code).toBe(0);
    const dir = mkdtempSync(join(out, 'broken-'));
    const yaml = join(dir, 'render.yaml');
    writeFileSync(yaml, render.stdout);
    const kubecheck = await outcome(tools.kubecheck, ['-json', join(dir, 'render.json'), yaml]);
    const policy = await outcome(tools.opa, [
      'eval',
      '--format',
      'raw',
      '--data',
      join(root, 'deploy', 'policy'),
      '--input',
      join(dir, 'render.json'),
      'concat("\\n", sort([m | some m in data.grantline.platform.deny]))',
    ]);
    return { kubecheck, policy };
  }

  it(
    'is refused by kubecheck when a value adds a field the Kubernetes API does not have',
    async () => {
      const { kubecheck } = await renderBroken('podSecurityContext.runAsUsr=10001');
      expect(kubecheck.code).toBe(1);
      expect(kubecheck.stdout).toMatch(
        /Deployment\/grantline-token: .*unknown field "spec\.template\.spec\.securityContext\.runAsUsr"/,
      );
    },
    RENDER_TIMEOUT_MS,
  );

  it(
    'is denied by the platform policy when a value makes the containers privileged',
    async () => {
      const { kubecheck, policy } = await renderBroken('containerSecurityContext.privileged=true');
      expect(kubecheck.code).toBe(0);
      expect(policy.stdout).toContain('Deployment/grantline-token: container token must not be privileged');
      expect(policy.stdout).toContain('Job/grantline-topics: container topics must not be privileged');
    },
    RENDER_TIMEOUT_MS,
  );
});
