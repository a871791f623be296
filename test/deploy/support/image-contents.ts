/**
 * A script for the image's own Node.js (`node -e`): what the image holds, as one JSON line, so
 * the test can check that it is a runtime image — no package manager, compiler or TypeScript,
 * no dev dependencies, a non-root user and a read-only tree. Plain JavaScript: it runs in the
 * image, where nothing compiles.
 */
export const IMAGE_CONTENTS_PROBE = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const app = '/app';
const read = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const lock = read(path.join(app, 'package-lock.json'));
// The lock marks "dev" what only dev dependencies (of the root or any workspace) lead to.
const devOnly = Object.entries(lock.packages).filter(([, entry]) => entry.dev === true).map(([where]) => where);
const installed = (name) => fs.existsSync(path.join(app, 'node_modules', name));
const onPath = (tool) => (process.env.PATH ?? '').split(':').some((dir) => fs.existsSync(path.join(dir, tool)));
const sources = [];
const walk = (dir) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') walk(full);
    else if (entry.isFile() && /\.tsx?$/.test(entry.name)) sources.push(full);
  }
};
walk(app);
const writable = (dir) => {
  try {
    fs.writeFileSync(path.join(dir, '.probe'), '');
    fs.rmSync(path.join(dir, '.probe'));
    return true;
  } catch {
    return false;
  }
};
console.log(JSON.stringify({
  uid: process.getuid(),
  node: process.versions.node,
  devDependenciesChecked: devOnly.length,
  devDependenciesInstalled: devOnly.filter((where) => fs.existsSync(path.join(app, where))),
  jestInstalled: installed('jest'),
  typescriptInstalled: installed('typescript') || fs.existsSync(path.join(app, 'node_modules', '.bin', 'tsc')),
  toolsOnPath: ['npm', 'npx', 'corepack', 'yarn', 'tsc', 'gcc', 'cc', 'make', 'python3'].filter(onPath),
  npmInstalled: ['/usr/local/lib/npm', '/usr/local/lib/node_modules/npm', '/usr/lib/node_modules/npm'].some((dir) => fs.existsSync(dir)),
  typeScriptSources: sources.slice(0, 5),
  writable: { app: writable(app), root: writable('/'), tmp: writable('/tmp') },
}));
`;
