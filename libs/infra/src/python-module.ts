import { ensureAptBinary, installAptPackage } from './apt';
import { messageOf } from './errors';
import { runCommand } from './process-control';
import { silent, type LogOptions } from './types';

async function importable(python: string, module: string): Promise<boolean> {
  const result = await runCommand(python, ['-c', `import ${module}`], { timeoutMs: 30_000 });
  return result.code === 0;
}

/**
 * Makes `import module` work in python3, the interpreter the seed's Python clients run under:
 * pip first (it reaches PyPI), then Debian's packaged module, since a Debian system Python
 * refuses pip installs (PEP 668).
 */
export async function ensurePythonModule(
  module: string,
  sources: { pip: string; debian: string },
  options: LogOptions = {},
): Promise<void> {
  const log = options.log ?? silent;
  const python = await ensureAptBinary('python3', 'python3', options);
  if (await importable(python, module)) return;
  log(`python3 cannot import ${module}; installing ${sources.pip} with pip`);
  const pip = await runCommand(python, ['-m', 'pip', 'install', '--quiet', sources.pip], { timeoutMs: 300_000 });
  if (pip.code === 0 && (await importable(python, module))) return;
  try {
    await installAptPackage(sources.debian, log);
  } catch (error) {
    throw new Error(
      `python3 cannot import ${module}, and neither pip nor apt-get could install it: ${messageOf(error)}\n` +
        `Install it yourself (\`pip install ${sources.pip}\` or \`apt-get install -y ${sources.debian}\`) and retry.`,
    );
  }
  if (!(await importable(python, module))) {
    throw new Error(`apt-get installed ${sources.debian} but python3 still cannot import ${module}`);
  }
}
