import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir, stateDir } from './paths';
import { runChecked } from './process-control';
import { requireTool } from './tools';
import type { LogFn } from './types';

function pomPath(): string {
  return join(packageDir(), 'kafka', 'pom.xml');
}

/** Keyed by the pom's content so that editing it (e.g. a version bump) resolves afresh. */
function jarsDir(): string {
  const digest = createHash('sha256').update(readFileSync(pomPath())).digest('hex').slice(0, 12);
  return join(stateDir(), 'kafka', `libs-${digest}`);
}

/** A directory holding the Kafka broker's jars, resolved through Maven on first use. */
export async function ensureKafkaJars(log: LogFn): Promise<string> {
  const dir = jarsDir();
  const doneMarker = join(dir, '.complete');
  if (existsSync(doneMarker)) return dir;

  const mvn = await requireTool('mvn', 'resolve the Kafka broker jars');
  log(`resolving Kafka jars with Maven into ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const args = ['-B', '-q', '-Dstyle.color=never', '-f', pomPath(), 'dependency:copy-dependencies'];
  args.push(`-DoutputDirectory=${dir}`, '-DincludeScope=runtime');
  await runChecked(mvn, args, { cwd: dir, timeoutMs: 15 * 60_000 });
  const jars = readdirSync(dir).filter((name) => name.endsWith('.jar'));
  if (!jars.some((name) => name.startsWith('kafka_2.13-'))) {
    throw new Error(`Maven finished but ${dir} holds no kafka_2.13 jar (${jars.length} jars found)`);
  }
  writeFileSync(doneMarker, `${new Date().toISOString()}\n`);
  log(`Kafka jars ready (${jars.length} jars)`);
  return dir;
}
