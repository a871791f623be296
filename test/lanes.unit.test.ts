import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { readConfigs } from 'jest-config';
import { globsToMatcher } from 'jest-util';

const root = resolve(__dirname, '..');
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.git', '.grantline', '.turbo', 'coverage']);

function testFilesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : testFilesUnder(path);
    return /\.test\.[cm]?[jt]sx?$/.test(entry.name) ? [path] : [];
  });
}

describe('test lanes (jest.config.js)', () => {
  it('puts every test file in exactly one lane', async () => {
    const { configs } = await readConfigs({ $0: 'jest', _: [] }, [root]);
    const lanes = configs.map((config) => {
      const matches = globsToMatcher(config.testMatch);
      const ignored = config.testPathIgnorePatterns.map((pattern) => new RegExp(pattern));
      return {
        name: String(config.displayName?.name),
        holds: (path: string) => matches(path) && !ignored.some((pattern) => pattern.test(path)),
      };
    });
    expect(lanes.map((lane) => lane.name)).toEqual(['unit', 'component', 'stack', 'deploy', 'faults']);

    const files = testFilesUnder(root);
    expect(files.length).toBeGreaterThan(100);
    const misplaced = files
      .map((path) => ({
        file: relative(root, path),
        lanes: lanes.filter((lane) => lane.holds(path)).map((l) => l.name),
      }))
      .filter((placement) => placement.lanes.length !== 1);
    expect(misplaced).toEqual([]);
  });
});
