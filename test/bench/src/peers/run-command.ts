import { execFile } from 'node:child_process';

/** The last lines of a command's output, for error messages. */
export function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Runs a command to completion within a time limit; resolves with stdout then stderr, rejects with their tail. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const why = error.killed ? `timed out after ${options.timeoutMs / 1000} s` : error.message.split('\n')[0];
          reject(new Error(`${command} ${args.join(' ')}: ${why}\n${tail(`${stdout}\n${stderr}`)}`));
          return;
        }
        resolve(`${stdout}${stderr}`);
      },
    );
  });
}
