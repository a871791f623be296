import { spawn } from 'node:child_process';

/** Runs iproute2 or nft (a script, if given, on stdin) and throws with what it printed when it fails. */
export function run(binary: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: 15_000,
    });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const output = Buffer.concat(chunks).toString('utf8');
      if (code === 0) resolve(output);
      else reject(new Error(`\`${[binary, ...args].join(' ')}\` failed (${code ?? signal}): ${output.trim()}`));
    });
    // A command that exits before reading its script reports why through its exit code, not here.
    child.stdin?.once('error', () => undefined);
    child.stdin?.end(input);
  });
}
