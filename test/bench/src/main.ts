import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { resolveInfra, type ResolvedInfra } from '@grantline/lib-infra';
import { startStack, type RunningStack } from '@grantline/lib-stack';

const REVOCATION_ROUNDS = 200;
const REVOCATION_GIVE_UP_MS = 5_000;

interface Target {
  origin: string;
  adminToken: string;
  /** Introspection replicas to probe directly; only known when the bench started the stack itself. */
  introspectionUrls: string[];
  description: string;
  close(): Promise<void>;
}

interface Client {
  id: string;
  secret: string;
}

interface ScenarioResult {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  errors: number;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function isLoopback(origin: string): boolean {
  const host = new URL(origin).hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

function adminTokenForExternalOrigin(): string {
  const fromEnv = process.env.GRANTLINE_ADMIN_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  const file = resolve('.grantline', 'data', 'admin-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  throw new Error(`GRANTLINE_URL is set but there is no admin token: set GRANTLINE_ADMIN_TOKEN or create ${file}`);
}

async function openTarget(): Promise<Target> {
  const external = process.env.GRANTLINE_URL?.trim();
  if (external) {
    const origin = new URL(external).origin;
    if (!isLoopback(origin)) throw new Error(`GRANTLINE_URL must be a loopback origin, got ${origin}`);
    return {
      origin,
      adminToken: adminTokenForExternalOrigin(),
      introspectionUrls: [origin],
      description: `running origin ${origin}`,
      close: () => Promise.resolve(),
    };
  }

  const log = (line: string) => process.stderr.write(`${line}\n`);
  const infra: ResolvedInfra = await resolveInfra({ log });
  const workDir = mkdtempSync(join(tmpdir(), 'grantline-bench-'));
  let stack: RunningStack;
  try {
    stack = await startStack({
      infra: infra.urls,
      publicPort: 0,
      workDir,
      namespace: `bench${Date.now().toString(36)}`,
      replicas: { token: 2, introspection: 2 },
      log,
    });
  } catch (error) {
    await infra.release();
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
  const introspectionUrls = stack.services.filter((s) => s.name === 'introspection').map((s) => s.url);
  return {
    origin: stack.url,
    adminToken: stack.adminToken,
    introspectionUrls,
    description: `own stack at ${stack.url} (2 token, ${introspectionUrls.length} introspection replicas; infra: ${infra.source})`,
    close: async () => {
      await stack.stop();
      await infra.release();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

function basic(client: Client): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;
}

function form(url: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
    signal: AbortSignal.timeout(10_000),
  });
}

async function registerClient(target: Target): Promise<Client> {
  const response = await fetch(`${target.origin}/admin/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', grant_types: ['client_credentials'], scopes: 'read' }),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 201) {
    throw new Error(`client registration failed: ${response.status} ${await response.text()}`);
  }
  const body = (await response.json()) as { client_id: string; client_secret: string };
  return { id: body.client_id, secret: body.client_secret };
}

function tokenRequest(client: Client): Record<string, string> {
  return { grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret, scope: 'read' };
}

async function issueToken(origin: string, client: Client): Promise<string> {
  const response = await form(`${origin}/oauth/token`, tokenRequest(client));
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  return String(((await response.json()) as { access_token: unknown }).access_token);
}

async function isActive(url: string, token: string, client: Client): Promise<boolean> {
  const response = await form(`${url}/oauth/introspect`, { token }, { authorization: basic(client) });
  if (response.status !== 200) throw new Error(`introspection failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { active: unknown }).active === true;
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

function runScenario(
  name: string,
  options: { url: string; headers: Record<string, string>; body: string; seconds: number; connections: number },
): Promise<ScenarioResult> {
  // autocannon's own histogram has no p95, so every response time is kept and ranked here.
  const latencies: number[] = [];
  return new Promise((resolvePromise, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: 'POST',
        headers: options.headers,
        body: options.body,
        connections: options.connections,
        duration: options.seconds,
        timeout: 10,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        latencies.sort((a, b) => a - b);
        resolvePromise({
          name,
          requestsPerSecond: result.requests.average,
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          non2xx: result.non2xx,
          errors: result.errors,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

interface RevocationResult {
  replicas: number;
  visibleMs: number[];
  /** The same probe of every replica for a live token, so the figure above can be read against it. */
  probeMs: number[];
  activeAnswers: number;
  neverInactive: number;
}

/**
 * Revokes fresh tokens through the public origin and, as soon as the revoke response is in, asks
 * every introspection replica about the token; the figure is the time until all of them said inactive.
 */
async function measureRevocationVisibility(target: Target, client: Client): Promise<RevocationResult> {
  const result: RevocationResult = {
    replicas: target.introspectionUrls.length,
    visibleMs: [],
    probeMs: [],
    activeAnswers: 0,
    neverInactive: 0,
  };
  for (let round = 0; round < REVOCATION_ROUNDS; round += 1) {
    const token = await issueToken(target.origin, client);
    const probeStart = performance.now();
    const live = await Promise.all(target.introspectionUrls.map((url) => isActive(url, token, client)));
    result.probeMs.push(performance.now() - probeStart);
    if (!live.every(Boolean)) throw new Error('a freshly issued token is inactive on some introspection replica');

    const revoked = await form(`${target.origin}/oauth/revoke`, { token });
    await revoked.arrayBuffer();
    if (revoked.status !== 200) throw new Error(`revocation failed: ${revoked.status}`);
    const start = performance.now();

    let pending = target.introspectionUrls;
    let firstProbe = true;
    while (pending.length > 0 && performance.now() - start < REVOCATION_GIVE_UP_MS) {
      const answers = await Promise.all(pending.map((url) => isActive(url, token, client)));
      if (firstProbe) result.activeAnswers += answers.filter(Boolean).length;
      firstProbe = false;
      pending = pending.filter((_url, index) => answers[index]);
      if (pending.length > 0) await new Promise((resolveDelay) => setTimeout(resolveDelay, 1));
    }
    if (pending.length > 0) result.neverInactive += 1;
    else result.visibleMs.push(performance.now() - start);
  }
  result.visibleMs.sort((a, b) => a - b);
  result.probeMs.sort((a, b) => a - b);
  return result;
}

function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : 'n/a';
}

function printTable(results: ScenarioResult[]): void {
  const header = ['scenario', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'non-2xx', 'errors'];
  const rows = results.map((r) => [
    r.name,
    r.requestsPerSecond.toFixed(1),
    ms(r.p50),
    ms(r.p95),
    ms(r.p99),
    String(r.non2xx),
    String(r.errors),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const seconds = positiveInt('BENCH_SECONDS', 5);
  const connections = positiveInt('BENCH_CONNECTIONS', 50);
  const target = await openTarget();

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= target.close());
  const onSignal = () => {
    void close().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    console.log(`target: ${target.description}`);
    console.log(`each scenario: ${seconds} s, ${connections} connections`);
    const client = await registerClient(target);
    const liveToken = await issueToken(target.origin, client);
    if (!(await isActive(target.origin, liveToken, client))) {
      throw new Error('a freshly issued token introspects as inactive; not benchmarking a broken origin');
    }

    const results: ScenarioResult[] = [];
    results.push(
      await runScenario('client_credentials POST /oauth/token', {
        url: `${target.origin}/oauth/token`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(tokenRequest(client)).toString(),
        seconds,
        connections,
      }),
    );
    results.push(
      await runScenario('introspection POST /oauth/introspect', {
        url: `${target.origin}/oauth/introspect`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) },
        body: new URLSearchParams({ token: liveToken }).toString(),
        seconds,
        connections,
      }),
    );
    console.log('');
    printTable(results);

    const revocation = await measureRevocationVisibility(target, client);
    const where =
      target.introspectionUrls.length === 1 && target.introspectionUrls[0] === target.origin
        ? 'through the public origin (replica addresses unknown for GRANTLINE_URL)'
        : `on each of ${revocation.replicas} introspection replicas directly`;
    console.log('');
    console.log(`revocation visible ${where}, ${REVOCATION_ROUNDS} rounds:`);
    console.log(
      `  revoke response -> all inactive: p50 ${ms(percentile(revocation.visibleMs, 50))} ms, ` +
        `p99 ${ms(percentile(revocation.visibleMs, 99))} ms (includes one introspection round trip)`,
    );
    console.log(
      `  the same probe for a live token: p50 ${ms(percentile(revocation.probeMs, 50))} ms, ` +
        `p99 ${ms(percentile(revocation.probeMs, 99))} ms`,
    );
    console.log(
      `  answers still active right after the revoke response: ${revocation.activeAnswers} of ` +
        `${REVOCATION_ROUNDS * revocation.replicas}; rounds never inactive within ${REVOCATION_GIVE_UP_MS} ms: ` +
        `${revocation.neverInactive}`,
    );
  } finally {
    await close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().catch((error: unknown) => {
  console.error(`bench could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
