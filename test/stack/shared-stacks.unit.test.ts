import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareSharedStacks, sharedInWorker, stopSharedStacks } from './shared-stacks';

const VARIABLE = 'GRANTLINE_TEST_SHARED_STACKS_DIR';

describe('stacks shared by the test files of a worker', () => {
  const saved = process.env[VARIABLE];
  beforeEach(() => {
    delete process.env[VARIABLE];
    prepareSharedStacks();
  });
  afterAll(() => {
    if (saved === undefined) delete process.env[VARIABLE];
    else process.env[VARIABLE] = saved;
  });

  it('starts a stack once per key and hands the same one to every later caller', async () => {
    const start = jest.fn(() => Promise.resolve({ id: Math.random() }));
    const record = () => ({ pids: [], workDir: mkdtempSync(join(tmpdir(), 'grantline-shared-test-')) });
    const key = `key-${Math.random()}`;
    const first = await sharedInWorker(key, start, record);
    expect(await sharedInWorker(key, start, record)).toBe(first);
    expect(await sharedInWorker(`${key}-other`, start, record)).not.toBe(first);
    expect(start).toHaveBeenCalledTimes(2);
    await stopSharedStacks();
  });

  it('hands the same stack to the next test file of the worker, which gets fresh modules', async () => {
    const key = `key-${Math.random()}`;
    const record = () => ({ pids: [], workDir: mkdtempSync(join(tmpdir(), 'grantline-shared-test-')) });
    const first = await sharedInWorker(key, () => Promise.resolve({ id: 'first' }), record);
    let fresh: typeof sharedInWorker = sharedInWorker;
    jest.isolateModules(() => {
      fresh = jest.requireActual<{ sharedInWorker: typeof sharedInWorker }>('./shared-stacks').sharedInWorker;
    });
    expect(fresh).not.toBe(sharedInWorker);
    expect(await fresh(key, () => Promise.resolve({ id: 'second' }), record)).toBe(first);
    await stopSharedStacks();
  });

  it('starts again after a failed start', async () => {
    const key = `key-${Math.random()}`;
    const record = () => ({ pids: [], workDir: mkdtempSync(join(tmpdir(), 'grantline-shared-test-')) });
    await expect(sharedInWorker(key, () => Promise.reject(new Error('no stack')), record)).rejects.toThrow('no stack');
    await expect(sharedInWorker(key, () => Promise.resolve('second try'), record)).resolves.toBe('second try');
    await stopSharedStacks();
  });

  it('stops the processes of every stack written down and removes their folders', async () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    const ended = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const workDir = mkdtempSync(join(tmpdir(), 'grantline-shared-test-'));
    const pid = child.pid ?? 0;
    await sharedInWorker(
      `key-${Math.random()}`,
      () => Promise.resolve(child),
      () => ({ pids: [pid], workDir }),
    );
    await stopSharedStacks();
    expect(await ended).toBe('SIGTERM');
    expect(existsSync(workDir)).toBe(false);
    expect(process.env[VARIABLE]).toBeUndefined();
  });

  it('refuses to share without the folder the global setup makes', async () => {
    await stopSharedStacks();
    await expect(
      sharedInWorker(
        `key-${Math.random()}`,
        () => Promise.resolve(1),
        () => ({ pids: [], workDir: '' }),
      ),
    ).rejects.toThrow(VARIABLE);
  });
});
