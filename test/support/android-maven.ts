import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureAptBinary, stateDir } from '@grantline/lib-infra';
import { BoundedProcess, describeOutcome, loopbackEnv, type ProcessOutcome } from './bounded-process';
import { zipEntry } from './zip-entry';

/** The Maven project that runs the seed's Android client under Robolectric. */
export const ANDROID_PROJECT_DIR = resolve(__dirname, '..', 'android');
/** The AndroidX archives the pom copies (execution copy-aars); each one's classes.jar goes on the class path. */
const AARS = ['browser', 'core', 'monitor'] as const;
/** A first run downloads Kotlin, Robolectric and the Android 14 framework (about 600 MB). */
const FIRST_RUN_TIMEOUT_MS = 20 * 60_000;

/** Downloads and builds live under .grantline/android, so later runs (and CI re-runs) are quick. */
function cacheDirs(): { repository: string; build: string; aarClasses: string } {
  const root = join(stateDir(), 'android');
  const build = join(root, 'build');
  return { repository: join(root, 'm2'), build, aarClasses: join(build, 'aar-classes') };
}

/** Maven, installed from Debian's packages on first use (it runs on the Java 17 the suite needs anyway). */
function mavenCommand(): Promise<string> {
  return ensureAptBinary('mvn', 'maven');
}

function mavenArgs(extra: Record<string, string>): string[] {
  const { repository, build } = cacheDirs();
  const properties = { 'maven.repo.local': repository, 'build.root': build, ...extra };
  return ['-B', '-Dstyle.color=never', ...Object.entries(properties).map(([key, value]) => `-D${key}=${value}`)];
}

async function maven(goals: string[], properties: Record<string, string>) {
  const args = [...mavenArgs(properties), ...goals];
  const child = new BoundedProcess(`mvn ${goals.join(' ')}`, await mavenCommand(), args, {
    cwd: ANDROID_PROJECT_DIR,
    env: loopbackEnv(),
    timeoutMs: FIRST_RUN_TIMEOUT_MS,
  });
  return { child, outcome: await child.exited };
}

/**
 * Maven has no unpacker for .aar archives: the pom copies them (execution copy-aars) and each
 * one's classes.jar is taken out here, where the pom puts it on the class path. Once per pom content.
 */
export async function prepareAarClasses(): Promise<void> {
  const { aarClasses } = cacheDirs();
  const marker = join(aarClasses, '.complete');
  const pom = readFileSync(join(ANDROID_PROJECT_DIR, 'pom.xml'), 'utf8');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === pom) return;
  rmSync(aarClasses, { recursive: true, force: true });
  mkdirSync(aarClasses, { recursive: true });
  const { child, outcome } = await maven(['dependency:copy@copy-aars'], {});
  if (outcome.code !== 0) throw new Error(describeOutcome(child.label, outcome));
  for (const name of AARS) {
    mkdirSync(join(aarClasses, name), { recursive: true });
    const classes = zipEntry(readFileSync(join(aarClasses, `${name}.aar`)), 'classes.jar');
    writeFileSync(join(aarClasses, name, 'classes.jar'), classes);
  }
  writeFileSync(marker, pom);
}

/** Builds the Robolectric test with the seed sources in `seedSources` and runs it with `settings`. */
export async function runAndroidTests(seedSources: string, settings: Record<string, string>): Promise<ProcessOutcome> {
  const { child, outcome } = await maven(['test'], { 'seed.sources': seedSources, ...settings });
  if (outcome.code !== 0) throw new Error(describeOutcome(child.label, outcome));
  return outcome;
}
