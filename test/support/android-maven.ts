import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { stateDir } from '@grantline/lib-infra';
import { BoundedProcess, describeOutcome, loopbackEnv, type ProcessOutcome } from './bounded-process';

/** The Maven project that runs the seed's Android client under Robolectric. */
export const ANDROID_PROJECT_DIR = resolve(__dirname, '..', 'android');
/** The AndroidX archives the pom copies (execution copy-aars); each one's classes.jar goes on the class path. */
const AARS = ['browser', 'core', 'monitor'] as const;
/** A first run downloads Kotlin, Robolectric and the Android 14 framework (~200 MB). */
const FIRST_RUN_TIMEOUT_MS = 20 * 60_000;

/** Downloads and builds live under .grantline/android, so later runs (and CI re-runs) are quick. */
function cacheDirs(): { repository: string; build: string; aarClasses: string } {
  const root = join(stateDir(), 'android');
  const build = join(root, 'build');
  return { repository: join(root, 'm2'), build, aarClasses: join(build, 'aar-classes') };
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Maven and a JDK (java, and `jar` to unpack archives), or an error that says what to install. */
export function androidTools(): { mvn: string; jar: string } {
  const mvn = onPath('mvn');
  const jar = onPath('jar');
  const missing = [
    ...(mvn ? [] : ['Maven (apt-get install -y maven)']),
    ...(jar && onPath('java') ? [] : ['a JDK 17 (apt-get install -y openjdk-17-jdk-headless)']),
  ];
  if (!mvn || !jar || missing.length > 0) throw new Error(`The Android client test needs ${missing.join(' and ')}`);
  return { mvn, jar };
}

function mavenArgs(extra: Record<string, string>): string[] {
  const { repository, build } = cacheDirs();
  const properties = { 'maven.repo.local': repository, 'build.root': build, ...extra };
  return ['-B', '-Dstyle.color=never', ...Object.entries(properties).map(([key, value]) => `-D${key}=${value}`)];
}

async function maven(mvn: string, goals: string[], properties: Record<string, string>, timeoutMs: number) {
  const child = new BoundedProcess(`mvn ${goals.join(' ')}`, mvn, [...mavenArgs(properties), ...goals], {
    cwd: ANDROID_PROJECT_DIR,
    env: loopbackEnv(),
    timeoutMs,
  });
  return { child, outcome: await child.exited };
}

/**
 * Maven has no unpacker for .aar archives: the pom copies them (copy-aars) and `jar` takes out each
 * classes.jar, which the pom puts on the class path. Done once per pom content.
 */
export async function prepareAarClasses(): Promise<void> {
  const { mvn, jar } = androidTools();
  const { aarClasses } = cacheDirs();
  const marker = join(aarClasses, '.complete');
  const pom = readFileSync(join(ANDROID_PROJECT_DIR, 'pom.xml'), 'utf8');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === pom) return;
  rmSync(aarClasses, { recursive: true, force: true });
  mkdirSync(aarClasses, { recursive: true });
  const { child, outcome } = await maven(mvn, ['dependency:copy@copy-aars'], {}, FIRST_RUN_TIMEOUT_MS);
  if (outcome.code !== 0) throw new Error(describeOutcome(child.label, outcome));
  for (const name of AARS) {
    const dir = join(aarClasses, name);
    mkdirSync(dir, { recursive: true });
    execFileSync(jar, ['xf', join(aarClasses, `${name}.aar`), 'classes.jar'], { cwd: dir, stdio: 'pipe' });
    if (!existsSync(join(dir, 'classes.jar'))) throw new Error(`${name}.aar holds no classes.jar`);
  }
  writeFileSync(marker, pom);
}

/** Builds the Robolectric test with the seed sources in `seedSources` and runs it with `settings`. */
export async function runAndroidTests(seedSources: string, settings: Record<string, string>): Promise<ProcessOutcome> {
  const { mvn } = androidTools();
  const { child, outcome } = await maven(
    mvn,
    ['test'],
    { 'seed.sources': seedSources, ...settings },
    FIRST_RUN_TIMEOUT_MS,
  );
  if (outcome.code !== 0) throw new Error(describeOutcome(child.label, outcome));
  return outcome;
}
