import { isBuildOnly, runtimeWorkspaces, shippedEntries, type WorkspaceManifest } from './production-tree';

const workspace = (dir: string, name: string, dependencies: string[] = []): WorkspaceManifest => ({
  dir,
  name,
  dependencies,
});

describe('the production tree of the image', () => {
  const workspaces = [
    workspace('libs/config', '@grantline/lib-config', ['zod']),
    workspace('libs/http', '@grantline/lib-http', ['@grantline/lib-config', 'express']),
    workspace('libs/testing', '@grantline/lib-testing', ['@grantline/lib-http']),
    workspace('services/token', '@grantline/svc-token', ['@grantline/lib-http']),
    workspace('services/embedded', '@grantline/svc-embedded', ['@grantline/svc-token']),
  ];

  it('holds the roots and every workspace they depend on, directly or not', () => {
    expect(runtimeWorkspaces(workspaces, ['@grantline/svc-token'])).toEqual([
      'libs/config',
      'libs/http',
      'services/token',
    ]);
  });

  it('refuses a root that is not a workspace, so a renamed service cannot drop out unnoticed', () => {
    expect(() => runtimeWorkspaces(workspaces, ['@grantline/svc-gone'])).toThrow(
      '@grantline/svc-gone is not a workspace of this repository',
    );
  });

  it('ships the files list of a workspace when it has one, else its compiled output and bin scripts', () => {
    expect(shippedEntries({ ...workspace('libs/edge', 'edge'), files: ['dist', 'routes.json'] })).toEqual([
      'dist',
      'routes.json',
    ]);
    expect(shippedEntries(workspace('libs/cli', 'cli'))).toEqual(['dist', 'bin']);
  });

  it.each([
    ['dist/main.d.ts', true],
    ['dist/main.d.ts.map', true],
    ['dist/main.js.map', true],
    ['tsconfig.tsbuildinfo', true],
    ['dist/main.js', false],
    ['routes.json', false],
  ])('%s is build output only: %s', (path, expected) => {
    expect(isBuildOnly(path)).toBe(expected);
  });
});
