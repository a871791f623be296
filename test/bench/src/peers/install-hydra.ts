import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, peersDir } from './paths';
import { runCommand } from './run-command';

export const HYDRA_VERSION = 'v2.3.0';
const BUILD_TAGS = 'sqlite,sqlite_omit_load_extension';

export function hydraBinary(): string {
  return peersDir('hydra', 'hydra');
}

/**
 * Builds Ory Hydra from the Go module in test/bench/peers/hydra, whose only purpose is to pin it
 * as a tool (`go get -tool github.com/ory/hydra/v2@v2.3.0`). SQLite needs cgo.
 */
export async function installHydra(): Promise<string> {
  const binary = hydraBinary();
  const command = `CGO_ENABLED=1 go build -tags ${BUILD_TAGS} github.com/ory/hydra/v2 (module test/bench/peers/hydra)`;
  if (!existsSync(binary)) {
    mkdirSync(peersDir('hydra'), { recursive: true });
    await runCommand(
      'go',
      [
        'build',
        '-tags',
        BUILD_TAGS,
        '-ldflags',
        `-X github.com/ory/hydra/v2/driver/config.Version=${HYDRA_VERSION}`,
        '-o',
        binary,
        'github.com/ory/hydra/v2',
      ],
      {
        cwd: join(benchDir(), 'peers', 'hydra'),
        env: { ...process.env, CGO_ENABLED: '1' },
        timeoutMs: 15 * 60_000,
      },
    );
  }
  const version = (await runCommand(binary, ['version'], { timeoutMs: 20_000 })).match(/Version:\s*(\S+)/)?.[1];
  return `Ory Hydra ${version ?? '?'} (${command})`;
}
