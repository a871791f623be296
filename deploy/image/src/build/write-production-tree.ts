import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isBuildOnly,
  RUNTIME_ROOTS,
  runtimeWorkspaces,
  shippedEntries,
  type WorkspaceManifest,
} from './production-tree';

/**
 * Run in the image's builder stage after `npm run build`: copies the runtime workspaces' compiled
 * JavaScript and the launcher from SOURCE into TARGET, then installs production dependencies
 * there, so the final stage gets no TypeScript sources, dev dependencies or build tools.
 * usage: node write-production-tree.js SOURCE TARGET
 */
const [source, target] = process.argv.slice(2);
if (!source || !target) {
  process.stderr.write('usage: write-production-tree SOURCE TARGET\n');
  process.exit(2);
}

const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8'));

function workspaceManifests(root: string): WorkspaceManifest[] {
  const lock = readJson(join(root, 'package-lock.json')) as { packages: Record<string, unknown> };
  return Object.keys(lock.packages)
    .filter((dir) => dir !== '' && !dir.split('/').includes('node_modules'))
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .map((dir) => {
      const manifest = readJson(join(root, dir, 'package.json'));
      const files = manifest.files as string[] | undefined;
      return {
        dir,
        name: String(manifest.name),
        dependencies: Object.keys((manifest.dependencies as Record<string, string> | undefined) ?? {}),
        ...(files ? { files } : {}),
      };
    });
}

const copy = (from: string, to: string) => cpSync(from, to, { recursive: true, filter: (path) => !isBuildOnly(path) });

mkdirSync(target, { recursive: true });
for (const file of ['package.json', 'package-lock.json']) copy(join(source, file), join(target, file));
const manifests = workspaceManifests(source);
const shipped = runtimeWorkspaces(manifests, RUNTIME_ROOTS);
for (const workspace of manifests.filter((manifest) => shipped.includes(manifest.dir))) {
  copy(join(source, workspace.dir, 'package.json'), join(target, workspace.dir, 'package.json'));
  for (const entry of shippedEntries(workspace)) {
    const from = join(source, workspace.dir, entry);
    if (existsSync(from)) copy(from, join(target, workspace.dir, entry));
  }
}
// The launcher, without this build step.
const buildStep = join(source, 'deploy/image/dist/build');
cpSync(join(source, 'deploy/image/dist'), join(target, 'deploy/image/dist'), {
  recursive: true,
  filter: (path) => !isBuildOnly(path) && path !== buildStep,
});
// Workspaces that are not copied are skipped by npm, and so are their dependencies.
// The builder's own install has just filled npm's cache.
execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], {
  cwd: target,
  stdio: 'inherit',
});
process.stdout.write(`production tree in ${target}: ${shipped.join(', ')}\n`);
