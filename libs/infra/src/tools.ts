import { findExecutable, runCommand } from './process-control';

const installHints: Record<string, string> = {
  java: 'Kafka needs a Java 17+ runtime: `apt-get install -y openjdk-17-jre-headless` (or any JDK 17+ on PATH).',
  mvn: 'Kafka jars are resolved with Maven: `apt-get install -y maven` (or put `mvn` on PATH).',
  go: 'FerretDB is built from source with Go 1.24+: install it from https://go.dev/dl/ and put `go` on PATH.',
};

/** Path of a build/runtime tool, or an error naming what to install. */
export async function requireTool(name: 'java' | 'mvn' | 'go', purpose: string): Promise<string> {
  const path = findExecutable(name);
  const versionArgs = name === 'go' ? ['version'] : ['-version'];
  if (path !== undefined) {
    try {
      const result = await runCommand(path, versionArgs, { timeoutMs: 30_000 });
      if (result.code === 0) return path;
    } catch {
      // fall through to the install hint
    }
  }
  throw new Error(`\`${name}\` is needed to ${purpose} but was not found or does not run. ${installHints[name] ?? ''}`);
}
