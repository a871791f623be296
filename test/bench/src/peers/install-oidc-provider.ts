import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { peersDir } from './paths';
import { runCommand } from './run-command';

const packageJson = z.object({ version: z.string() });

function installedVersion(dir: string, name: string): string | undefined {
  const file = join(dir, 'node_modules', name, 'package.json');
  if (!existsSync(file)) return undefined;
  return packageJson.parse(JSON.parse(readFileSync(file, 'utf8'))).version;
}

export function oidcProviderDir(): string {
  return peersDir('oidc-provider');
}

/** node-oidc-provider 9.x and ioredis in a folder of their own, outside the workspaces. */
export async function installOidcProvider(): Promise<string> {
  const dir = oidcProviderDir();
  const version = () => ({ provider: installedVersion(dir, 'oidc-provider'), redis: installedVersion(dir, 'ioredis') });
  let found = version();
  if (!found.provider?.startsWith('9.') || found.redis === undefined) {
    mkdirSync(dir, { recursive: true });
    await runCommand('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', 'oidc-provider@9', 'ioredis'], {
      timeoutMs: 5 * 60_000,
    });
    found = version();
  }
  if (found.provider === undefined) throw new Error(`oidc-provider is missing from ${dir} after npm install`);
  return `oidc-provider ${found.provider}, ioredis ${found.redis ?? '?'} (npm install --prefix .grantline/peers/oidc-provider oidc-provider@9 ioredis)`;
}
