import { SERVICES } from '../launch-command';

/** What the production tree needs to know of one workspace, from its package.json. */
export interface WorkspaceManifest {
  /** Folder relative to the repository root, e.g. `services/token`. */
  dir: string;
  name: string;
  dependencies: string[];
  /** The package.json `files` list, when it has one. */
  files?: string[];
}

/** The packages the image starts from: every service, the CLI, and what the launcher imports itself. */
export const RUNTIME_ROOTS = [
  ...SERVICES.map((service) => `@grantline/svc-${service}`),
  '@grantline/cli',
  '@grantline/lib-config',
  '@grantline/lib-event-log',
  '@grantline/lib-runtime',
];

/** The workspaces reachable from `roots` through dependencies, in the order of `workspaces`. */
export function runtimeWorkspaces(workspaces: readonly WorkspaceManifest[], roots: readonly string[]): string[] {
  const byName = new Map(workspaces.map((workspace) => [workspace.name, workspace]));
  const needed = new Set<string>();
  const visit = (name: string) => {
    const workspace = byName.get(name);
    if (!workspace || needed.has(name)) return;
    needed.add(name);
    workspace.dependencies.forEach(visit);
  };
  for (const root of roots) {
    if (!byName.has(root)) throw new Error(`${root} is not a workspace of this repository`);
    visit(root);
  }
  return workspaces.filter((workspace) => needed.has(workspace.name)).map((workspace) => workspace.dir);
}

/** Top-level entries of a workspace that run: its `files` list, or the compiled output and committed bin scripts. */
export function shippedEntries(workspace: WorkspaceManifest): string[] {
  return workspace.files ?? ['dist', 'bin'];
}

/** Compiler output that nothing loads at run time: declarations, source maps, build info. */
export function isBuildOnly(path: string): boolean {
  return /\.d\.ts$|\.map$|\.tsbuildinfo$/.test(path);
}
