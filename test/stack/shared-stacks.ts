import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStackWorkDir } from './stack-work-dir';

/**
 * Stacks that several test files of one jest worker use in turn. Jest gives each test file fresh
 * modules and globals; only Node's built-in modules are the same objects in every file of a
 * worker, so the worker's stacks are kept on one of them (a namespace import would not do: the
 * compiled import wraps the module in a new object per file). A worker cannot stop its stacks when
 * it ends (jest has no such hook), so each is written down in a folder the global setup makes, and
 * the global teardown stops them by pid.
 */
const DIR_VARIABLE = 'GRANTLINE_TEST_SHARED_STACKS_DIR';
const HOLDER = Symbol.for('grantline.test.sharedStacks');

/** What the teardown needs to stop a shared stack and clear up after it. */
export interface SharedStackRecord {
  pids: number[];
  workDir: string;
}

type Holder = Record<symbol, Map<string, Promise<unknown>> | undefined>;

/** This worker's stack for `key`, started by `start` the first time a file asks for it. */
export function sharedInWorker<T>(
  key: string,
  start: () => Promise<T>,
  record: (stack: T) => SharedStackRecord,
): Promise<T> {
  const holder = ChildProcess as unknown as Holder;
  const stacks = (holder[HOLDER] ??= new Map());
  const known = stacks.get(key);
  if (known) return known as Promise<T>;
  const dir = process.env[DIR_VARIABLE];
  if (!dir) return Promise.reject(new Error(`${DIR_VARIABLE} is unset: shared stacks need the jest global setup`));
  const started = start().then((stack) => {
    const file = join(dir, `${process.pid}-${randomUUID()}.json`);
    writeFileSync(file, JSON.stringify(record(stack) satisfies SharedStackRecord));
    return stack;
  });
  // A stack that failed to start is not kept: the next file tries again.
  started.catch(() => stacks.delete(key));
  stacks.set(key, started);
  return started;
}

/** Called by the global setup: the folder where workers write down their shared stacks. */
export function prepareSharedStacks(): void {
  process.env[DIR_VARIABLE] ??= mkdtempSync(join(tmpdir(), 'grantline-shared-stacks-'));
}

const STOP_TIMEOUT_MS = 15_000;

/** Called by the global teardown: stops every shared stack and removes its folder. */
export async function stopSharedStacks(): Promise<void> {
  const dir = process.env[DIR_VARIABLE];
  if (!dir) return;
  const records = readdirSync(dir).map(
    (name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as SharedStackRecord,
  );
  const pids = records.flatMap((record) => record.pids);
  // SIGTERM: each service drains as it would in production, nginx stops at once.
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL');
  for (const record of records) removeStackWorkDir(record.workDir);
  rmSync(dir, { recursive: true, force: true });
  delete process.env[DIR_VARIABLE];
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Whether the process runs; a zombie (ended, not yet reaped by its new parent) does not. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
