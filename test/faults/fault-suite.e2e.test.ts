import { join } from 'node:path';
import { BoundedProcess, describeOutcome, loopbackEnv } from '../support/bounded-process';

/**
 * The fault suite as the test command's `faults` lane: the built program (`npm run build` first)
 * must exit 0, i.e. keep every invariant through every fault and recover from each. Its table is
 * printed either way.
 */
const root = join(__dirname, '..', '..');
/** The whole run takes about four minutes on a 2-core machine; the program bounds itself as well. */
const RUN_LIMIT_MS = 12 * 60_000;

jest.setTimeout(RUN_LIMIT_MS + 60_000);

it('keeps every invariant through every fault under load, and recovers from each', async () => {
  const run = new BoundedProcess('npm run faults', process.execPath, [join(root, 'test/faults/dist/main.js')], {
    cwd: root,
    env: loopbackEnv(),
    timeoutMs: RUN_LIMIT_MS,
  });
  const outcome = await run.exited;
  process.stdout.write(`${outcome.stdout}\n`);
  if (outcome.code !== 0) throw new Error(describeOutcome('the fault suite', outcome));
});
