import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { keptLogsDir, removeStackWorkDir } from './stack-work-dir';

/** A work dir as startStack leaves it: keys, logs, nginx's folder. */
function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'grantline-workdir-test-'));
  mkdirSync(join(dir, 'keys'));
  writeFileSync(join(dir, 'keys', 'signing.pem'), 'secret');
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, 'logs', 'authorize-0.log'), '{"msg":"authorization step failed"}\n');
  mkdirSync(join(dir, 'nginx'));
  writeFileSync(join(dir, 'nginx', 'error.log'), 'upstream timed out\n');
  return dir;
}

describe('removeStackWorkDir', () => {
  let keepIn: string;
  beforeEach(() => {
    keepIn = mkdtempSync(join(tmpdir(), 'grantline-kept-test-'));
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    rmSync(keepIn, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  it('removes the work dir and keeps nothing when GRANTLINE_KEEP_STACK_LOGS is unset', () => {
    const dir = workDir();
    expect(removeStackWorkDir(dir, {})).toBeUndefined();
    expect(existsSync(dir)).toBe(false);
  });

  it('keeps the service logs and the edge error log, not the keys, in the folder named', () => {
    const dir = workDir();
    const kept = removeStackWorkDir(dir, { GRANTLINE_KEEP_STACK_LOGS: keepIn });
    expect(kept).toBe(join(keepIn, basename(dir)));
    expect(readFileSync(join(kept!, 'authorize-0.log'), 'utf8')).toContain('authorization step failed');
    expect(readFileSync(join(kept!, 'nginx-error.log'), 'utf8')).toContain('upstream timed out');
    expect(existsSync(join(kept!, 'signing.pem'))).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it('keeps them under the temporary folder for 1, and not at all for 0', () => {
    expect(keptLogsDir({ GRANTLINE_KEEP_STACK_LOGS: '1' })).toBe(join(tmpdir(), 'grantline-stack-logs'));
    expect(keptLogsDir({ GRANTLINE_KEEP_STACK_LOGS: '0' })).toBeUndefined();
  });
});
