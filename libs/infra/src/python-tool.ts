import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureAptBinary, installAptPackage } from './apt';
import { stateDir } from './paths';
import { runChecked, runCommand } from './process-control';
import { silent, type LogOptions } from './types';

export interface PythonTool {
  /** The PyPI package, installed at exactly this version. */
  pkg: string;
  version: string;
  /** The command the package installs into the virtual environment's bin/. */
  command: string;
}

/**
 * The path of a Python command-line tool, pinned, in its own virtual environment under
 * `.grantline/python/` (created on first use; a Debian python3 without `venv` gets python3-venv).
 * A marker written after pip finished tells a complete environment from an interrupted one,
 * which is built again (a virtual environment cannot be moved into place: its scripts name
 * their own interpreter's path).
 */
export async function ensurePythonTool(tool: PythonTool, options: LogOptions = {}): Promise<string> {
  const log = options.log ?? silent;
  const home = join(stateDir(), 'python', `${tool.pkg}-${tool.version}`);
  const binary = join(home, 'bin', tool.command);
  const marker = join(home, 'installed');
  if (existsSync(marker) && existsSync(binary)) return binary;
  const python = await ensureAptBinary('python3', 'python3', options);
  rmSync(home, { recursive: true, force: true });
  log(`installing ${tool.pkg} ${tool.version} into ${home}`);
  if ((await runCommand(python, ['-m', 'venv', home], { timeoutMs: 120_000 })).code !== 0) {
    await installAptPackage('python3-venv', log);
    rmSync(home, { recursive: true, force: true });
    await runChecked(python, ['-m', 'venv', home], { timeoutMs: 120_000 });
  }
  await runChecked(
    join(home, 'bin', 'python'),
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `${tool.pkg}==${tool.version}`],
    { timeoutMs: 600_000 },
  );
  if (!existsSync(binary)) throw new Error(`${tool.pkg} ${tool.version} installed no ${tool.command} in ${home}`);
  writeFileSync(marker, `${tool.pkg}==${tool.version}\n`);
  return binary;
}
