import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type RunningStack, type ServiceProcess, type StackOptions } from '@grantline/lib-stack';
import { infraFromEnv } from '../stack/stack-fixture';
import { basic } from './oauth-test-client';

/** A stack on a Redis of the test's own, with what outage tests read: its key prefix and its logs. */
export interface OutageStack extends RunningStack {
  namespace: string;
  workDir: string;
  /** The Redis key prefix of this stack's projection (the pointer is `<prefix>projection`). */
  prefix: string;
  /** The replicas of a service, e.g. `introspection`. */
  replicas(service: string): ServiceProcess[];
  /** What a replica has logged so far, e.g. `projector-0`; '' when nothing yet. */
  log(replica: string): string;
}

/**
 * Starts an isolated stack as startTestStack does, but against `redisUrl` (a private Redis the
 * test may flush, kill and restore) instead of the shared one; Kafka and MongoDB are shared.
 */
export async function startStackOnRedis(
  name: string,
  redisUrl: string,
  options: Partial<Omit<StackOptions, 'infra' | 'workDir'>> = {},
): Promise<OutageStack> {
  const namespace = `t${name}${Date.now().toString(36)}`;
  const workDir = mkdtempSync(join(tmpdir(), `grantline-${name}-`));
  let stack: RunningStack;
  try {
    stack = await startStack({
      infra: { ...infraFromEnv(), redisUrl },
      publicPort: 0,
      workDir,
      namespace,
      ...options,
    });
  } catch (error) {
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
  const log = (replica: string): string => {
    try {
      return readFileSync(join(workDir, 'logs', `${replica}.log`), 'utf8');
    } catch {
      return '';
    }
  };
  return {
    ...stack,
    namespace,
    workDir,
    prefix: `${namespace}:`,
    replicas: (service) => stack.services.filter((replica) => replica.name === service),
    log,
    stop: async () => {
      await stack.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** One request a test made and what came back (times are epoch ms). */
export interface Answer {
  /** What was asked, e.g. `introspect A`, `issue`, `readyz`. */
  endpoint: string;
  /** Where it was sent: `edge` or a replica such as `introspection-0`. */
  via: string;
  start: number;
  end: number;
  /** The HTTP status; 0 when no answer came (refused, reset, timed out). */
  status: number;
  /** `active` of an introspection answer. */
  active?: boolean;
  /** `error` of an error answer, or why no answer came. */
  error?: string;
  /** `access_token` of an issuance answer. */
  token?: string;
}

const REQUEST_TIMEOUT_MS = 5_000;

/** Makes requests as one confidential client and records every answer, for a timeline. */
export class AnswerRecorder {
  readonly answers: Answer[] = [];

  constructor(
    private readonly clientId: string,
    private readonly secret: string,
  ) {}

  introspect(endpoint: string, baseUrl: string, token: string, via = 'edge'): Promise<Answer> {
    return this.request(endpoint, via, `${baseUrl}/oauth/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(this.clientId, this.secret),
      },
      body: new URLSearchParams({ token }),
    });
  }

  /** A client_credentials token request with scope read. */
  issue(baseUrl: string, via = 'edge'): Promise<Answer> {
    return this.request('issue', via, `${baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.clientId,
        client_secret: this.secret,
        scope: 'read',
      }),
    });
  }

  readyz(replica: ServiceProcess): Promise<Answer> {
    return this.request('readyz', `${replica.name}-${replica.replica}`, `${replica.url}/readyz`, { method: 'GET' });
  }

  private async request(endpoint: string, via: string, url: string, init: RequestInit): Promise<Answer> {
    const start = Date.now();
    let answer: Answer;
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      answer = {
        endpoint,
        via,
        start,
        end: Date.now(),
        status: response.status,
        ...(typeof body.active === 'boolean' ? { active: body.active } : {}),
        ...(typeof body.error === 'string' ? { error: body.error } : {}),
        ...(typeof body.access_token === 'string' ? { token: body.access_token } : {}),
      };
    } catch (error) {
      answer = { endpoint, via, start, end: Date.now(), status: 0, error: String(error) };
    }
    this.answers.push(answer);
    return answer;
  }
}

/** An answer in a few words: `503 temporarily_unavailable`, `200 active:false`. */
export function outcome(answer: Answer): string {
  const detail =
    answer.active !== undefined ? `active:${answer.active}` : answer.error !== undefined ? answer.error : '';
  return `${answer.status}${detail ? ` ${detail}` : ''}`;
}

/** The distinct `endpoint outcome` pairs among answers, sorted. */
export function outcomesOf(answers: readonly Answer[]): string[] {
  return [...new Set(answers.map((answer) => `${answer.endpoint} ${outcome(answer)}`))].sort();
}

/**
 * The answers as runs of the same outcome per endpoint and target, in time order, with times in
 * ms relative to `origin`: `+120..+480 ms edge introspect A 503 temporarily_unavailable x14`.
 */
export function timeline(answers: readonly Answer[], origin: number): string {
  const runs = new Map<string, { first: number; last: number; count: number }>();
  const lines: Array<{ key: string; at: number }> = [];
  const open = new Map<string, string>();
  for (const answer of [...answers].sort((left, right) => left.start - right.start)) {
    const stream = `${answer.via} ${answer.endpoint}`;
    const label = `${stream} ${outcome(answer)}`;
    let key = open.get(stream);
    if (key === undefined || !key.endsWith(`|${label}`)) {
      key = `${lines.length}|${label}`;
      open.set(stream, key);
      lines.push({ key, at: answer.start });
      runs.set(key, { first: answer.start, last: answer.end, count: 0 });
    }
    const run = runs.get(key);
    if (run) {
      run.last = answer.end;
      run.count += 1;
    }
  }
  return lines
    .map(({ key }) => {
      const run = runs.get(key);
      const label = key.slice(key.indexOf('|') + 1);
      return run ? `${relative(run.first, origin)}..${relative(run.last, origin)} ms ${label} x${run.count}` : label;
    })
    .join('\n');
}

function relative(at: number, origin: number): string {
  const ms = at - origin;
  return ms < 0 ? String(ms) : `+${ms}`;
}

/** The JSON log lines of a pino log whose `msg` is `message`. */
export function logEntries(log: string, message: string): Array<Record<string, unknown>> {
  const entries: Array<Record<string, unknown>> = [];
  for (const line of log.split('\n')) {
    if (!line.includes(message)) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === message) entries.push(entry);
    } catch {
      // not a JSON line
    }
  }
  return entries;
}

/**
 * A replica's log entries from `since` on, one a line with its time in ms relative to `origin`
 * and the fields that tell what happened: `+812 ms projection rebuilt and open again reason=lost seconds=0.16`.
 */
export function logTimeline(log: string, since: number, origin: number): string {
  const lines: string[] = [];
  for (const line of log.split('\n')) {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const time = Number(entry.time);
    if (!(time >= since) || typeof entry.msg !== 'string' || entry.msg === 'request completed') continue;
    const fields = ['reason', 'generation', 'events', 'seconds', 'keys']
      .filter((field) => entry[field] !== undefined)
      .map((field) => `${field}=${String(entry[field])}`);
    lines.push(`${relative(time, origin)} ms ${entry.msg}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}`);
  }
  return lines.join('\n');
}

/** Waits until a replica's log has an entry with `message` logged from `since` on (files are written a moment late). */
export async function waitForLogEntry(
  stack: OutageStack,
  replica: string,
  message: string,
  since = 0,
  timeoutMs = 5_000,
): Promise<Array<Record<string, unknown>>> {
  const deadline = Date.now() + timeoutMs;
  const read = () => logEntries(stack.log(replica), message).filter((entry) => Number(entry.time) >= since);
  let entries = read();
  while (entries.length === 0 && Date.now() < deadline) {
    await sleep(50);
    entries = read();
  }
  return entries;
}

/**
 * Runs a test body; when it fails, prints what the lead needs to see why — the timeline of
 * answers and the projector's and introspection replicas' logs — while the stack still runs.
 */
export async function withDiagnostics(
  stack: OutageStack,
  describe: () => string,
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } catch (error) {
    const logs = ['projector-0', 'introspection-0', 'introspection-1', 'token-0', 'token-1']
      .map((replica) => `--- ${replica}.log (last 80 lines) ---\n${tail(stack.log(replica), 80)}`)
      .join('\n');
    process.stdout.write(`\n=== diagnostics (${stack.workDir}) ===\n${describe()}\n${logs}\n=== end ===\n`);
    throw error;
  }
}

function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** Polls `attempt` until it returns a value, or fails saying what did not happen in time. */
export async function waitFor<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
