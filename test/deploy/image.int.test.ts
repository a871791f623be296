import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { topicName, topicSpecs } from '@grantline/lib-event-log';
import { ensureContainerTools, freePort } from '@grantline/lib-infra';
import { generateSigningJwk } from '@grantline/lib-tokens';
import { pollUntil } from '../support/poll-until';
import { buildImage, containerEnv, repoRoot } from './support/container-tools';
import { Containers } from './support/containers';
import { IMAGE_CONTENTS_PROBE } from './support/image-contents';

// A cold build (the base root file system, npm ci twice, the TypeScript build) takes minutes on
// two shared cores; a warm one reuses every layer and takes seconds.
const BUILD_TIMEOUT_MS = 30 * 60_000;
const STACK_TIMEOUT_MS = 5 * 60_000;
const image = process.env.GRANTLINE_IMAGE ?? 'localhost/grantline:dev';
const namespace = `timage${Date.now().toString(36)}`;

let containers: Containers;

beforeAll(async () => {
  await ensureContainerTools({ log: (line) => process.stderr.write(`[image] ${line}\n`) });
  const { seconds } = await buildImage(image, BUILD_TIMEOUT_MS);
  process.stderr.write(`[image] ${image} built in ${seconds.toFixed(1)} s\n`);
  containers = new Containers(image, `grantline-${namespace}`, await containerEnv());
}, BUILD_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await containers?.removeAll();
}, 120_000);

describe('the container image', () => {
  it('runs as user 10001, has no HEALTHCHECK, and starts the launcher', async () => {
    const inspected = await containers.podman(['image', 'inspect', image], 30_000);
    const [config] = JSON.parse(inspected.stdout) as Array<{ Config: Record<string, unknown> }>;
    expect(config?.Config).toMatchObject({
      User: '10001:10001',
      Entrypoint: ['/usr/local/bin/node', '/app/deploy/image/dist/main.js'],
    });
    expect(config?.Config.Healthcheck).toBeUndefined();
  });

  it('answers an unknown command with the usage on stderr and exit code 2', async () => {
    const outcome = await containers.run('unknown', ['embedded']);
    expect(outcome).toMatchObject({ code: 2, stdout: '' });
    expect(outcome.stderr).toContain('unknown command: embedded');
    expect(outcome.stderr).toMatch(/usage: [\s\S]*topics[\s\S]*cli ARGS/);
  });

  it('holds the Node.js runtime and production dependencies only, in a read-only tree', async () => {
    const outcome = await containers.run('contents', ['-e', IMAGE_CONTENTS_PROBE], {
      imageUser: true,
      podmanArgs: ['--entrypoint=/usr/local/bin/node'],
    });
    expect(outcome).toMatchObject({ code: 0, stderr: '' });
    const contents = JSON.parse(outcome.stdout) as Record<string, unknown>;
    expect(contents).toMatchObject({
      uid: 10001,
      devDependenciesInstalled: [],
      jestInstalled: false,
      typescriptInstalled: false,
      toolsOnPath: [],
      npmInstalled: false,
      typeScriptSources: [],
      writable: { app: false, root: false, tmp: true },
    });
    expect(contents.devDependenciesChecked).toBeGreaterThan(100);
    // The release pinned for the image, not whatever Node.js happens to run the build.
    expect(contents.node).toBe(pinnedNodeVersion());
  });

  describe('against the local Kafka, Redis and MongoDB-protocol server', () => {
    const prefix = `${namespace}.`;
    const shared = {
      KAFKA_BROKERS: required('KAFKA_BROKERS'),
      REDIS_URL: required('REDIS_URL'),
      MONGODB_URL: required('MONGODB_URL'),
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      GRANTLINE_ISSUER: 'http://localhost:3000',
      GRANTLINE_ADMIN_TOKEN: randomBytes(32).toString('base64url'),
      GRANTLINE_KAFKA_TOPIC_PREFIX: prefix,
      GRANTLINE_REDIS_PREFIX: `${namespace}:`,
      GRANTLINE_CONSUMER_GROUP_PREFIX: prefix,
      GRANTLINE_MONGODB_DATABASE: namespace,
      GRANTLINE_HOST: '127.0.0.1',
    };
    let env: Record<string, string> = shared;
    const ports: Record<string, number> = {};
    const url = (service: string) => `http://127.0.0.1:${ports[service]}`;

    beforeAll(async () => {
      env = { ...shared, GRANTLINE_SIGNING_KEYS: JSON.stringify([await generateSigningJwk(`${namespace}-key`)]) };
    });

    afterAll(async () => {
      await deleteTopics(prefix);
    }, 60_000);

    it(
      'creates the topics, then issues a client_credentials token through the token service that introspects active',
      async () => {
        // given the topics, made by the image's `topics` command
        const topics = await containers.run('topics', ['topics'], { env });
        expect(topics).toMatchObject({ code: 0 });
        const expected = topicSpecs().map((spec) => [topicName(prefix, spec.stream), spec.partitions] as const);
        for (const [topic, partitions] of expected) {
          expect(topics.stdout).toContain(`${topic}: ready (${partitions} partitions)`);
        }
        expect(await topicPartitions(prefix)).toMatchObject(Object.fromEntries(expected));

        // and admin, projector, token and introspection, each a container of the image
        const services = ['admin', 'projector', 'token', 'introspection'];
        const names: Record<string, string> = {};
        for (const service of services) {
          ports[service] = await freePort();
          names[service] = await containers.start(service, [service], {
            env: { ...env, PORT: String(ports[service]) },
          });
        }
        await Promise.all(services.map((service) => waitUntilReady(service, url(service), names[service] ?? '')));

        // and a confidential client, registered with the image's CLI through the admin service
        const created = await containers.run(
          'cli',
          ['cli', '--url', url('admin'), 'client', 'create', '--name', 'image'],
          {
            env: { GRANTLINE_ADMIN_TOKEN: env.GRANTLINE_ADMIN_TOKEN ?? '' },
          },
        );
        expect(created).toMatchObject({ code: 0 });
        const client = JSON.parse(created.stdout) as { client_id: string; client_secret: string };

        // when the client asks the token service for a token, once the projector has put the client in Redis
        const issue = () =>
          fetch(`${url('token')}/oauth/token`, {
            method: 'POST',
            body: new URLSearchParams({
              grant_type: 'client_credentials',
              client_id: client.client_id,
              client_secret: client.client_secret,
            }),
          });
        const response = await pollUntil(issue, (answer) => answer.status !== 401, 30_000, 250);
        expect(response.status).toBe(200);
        const { access_token: accessToken = '', token_type: tokenType } = (await response.json()) as Record<
          string,
          string
        >;
        expect(tokenType).toBe('Bearer');

        // then it is signed by a key the token service publishes, and introspects active
        const jwks = createRemoteJWKSet(new URL(`${url('token')}/.well-known/jwks.json`));
        const { payload } = await jwtVerify(accessToken, jwks, { issuer: shared.GRANTLINE_ISSUER });
        expect(payload.client_id).toBe(client.client_id);
        const introspection = await fetch(`${url('introspection')}/oauth/introspect`, {
          method: 'POST',
          headers: { authorization: `Basic ${btoa(`${client.client_id}:${client.client_secret}`)}` },
          body: new URLSearchParams({ token: accessToken }),
        });
        expect(introspection.status).toBe(200);
        expect(await introspection.json()).toMatchObject({ active: true, client_id: client.client_id });

        // and the token service, PID 1 of its container, stops cleanly on SIGTERM
        expect(await containers.stop(names.token ?? '', 20)).toBe(0);
      },
      STACK_TIMEOUT_MS,
    );
  });
});

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (the jest global setup does this)`);
  return value;
}

async function waitUntilReady(service: string, base: string, container: string): Promise<void> {
  const ready = await pollUntil(
    () =>
      fetch(`${base}/readyz`, { signal: AbortSignal.timeout(1_000) }).then(
        (response) => response.ok,
        () => false,
      ),
    (ok) => ok,
    90_000,
    250,
  );
  if (!ready) throw new Error(`${service} is not ready on ${base}:\n${await containers.logs(container)}`);
}

function kafkaAdmin() {
  return new Kafka({ brokers: required('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING }).admin();
}

async function topicPartitions(prefix: string): Promise<Record<string, number>> {
  const admin = kafkaAdmin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix)).sort();
    const metadata = await admin.fetchTopicMetadata({ topics });
    return Object.fromEntries(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
  } finally {
    await admin.disconnect();
  }
}

async function deleteTopics(prefix: string): Promise<void> {
  const admin = kafkaAdmin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** The Node.js release deploy/image/node-release pins for the image. */
function pinnedNodeVersion(): string {
  const release = readFileSync(join(repoRoot, 'deploy', 'image', 'node-release'), 'utf8');
  return /^NODE_VERSION=(\S+)$/m.exec(release)?.[1] ?? 'no NODE_VERSION in node-release';
}
