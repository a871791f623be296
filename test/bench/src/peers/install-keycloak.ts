import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { peersDir } from './paths';
import { runCommand } from './run-command';

export const KEYCLOAK_VERSION = '26.7.3';
const ARTIFACT = `keycloak-quarkus-dist-${KEYCLOAK_VERSION}.zip`;
const DOWNLOAD_URL = `https://repo.maven.apache.org/maven2/org/keycloak/keycloak-quarkus-dist/${KEYCLOAK_VERSION}/${ARTIFACT}`;

export function keycloakHome(): string {
  return peersDir('keycloak', `keycloak-${KEYCLOAK_VERSION}`);
}

async function download(url: string, file: string): Promise<void> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10 * 60_000) });
  if (!response.ok || response.body === null) throw new Error(`GET ${url}: ${response.status}`);
  await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(file));
}

/** The Keycloak distribution (org.keycloak:keycloak-quarkus-dist zip from Maven Central), unzipped. */
export async function installKeycloak(): Promise<string> {
  const home = keycloakHome();
  if (!existsSync(join(home, 'bin', 'kc.sh'))) {
    const dir = peersDir('keycloak');
    mkdirSync(dir, { recursive: true });
    const zip = join(dir, ARTIFACT);
    if (!existsSync(zip)) {
      await download(DOWNLOAD_URL, `${zip}.part`);
      renameSync(`${zip}.part`, zip);
    }
    rmSync(home, { recursive: true, force: true });
    await runCommand('unzip', ['-q', zip, '-d', dir], { timeoutMs: 5 * 60_000 });
  }
  const java = await runCommand(javaCommand(), ['-version'], { timeoutMs: 30_000 }).catch(() => '');
  return `Keycloak ${KEYCLOAK_VERSION} (${ARTIFACT} from Maven Central), ${javaDescription(java)}`;
}

/** JAVA_HOME's java when it is set, else the one on PATH (the launcher script does the same). */
export function javaCommand(): string {
  const home = process.env.JAVA_HOME;
  return home !== undefined && home !== '' ? join(home, 'bin', 'java') : 'java';
}

function javaDescription(versionOutput: string): string {
  return versionOutput.split('\n')[0]?.trim() || 'java';
}
