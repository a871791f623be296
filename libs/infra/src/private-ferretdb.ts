import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFerretdbBinary } from './ferretdb-install';
import { ferretdbArgs, pingMongo } from './ferretdb-server';
import { freePort } from './ports';
import { privateProcess, type PrivateProcess } from './private-process';
import { silent, type LogFn } from './types';

/** A MongoDB-protocol server (FerretDB on SQLite) of its owner's own, on loopback. */
export interface PrivateMongo {
  url: string;
  process: PrivateProcess;
  /** Stops the server and removes its data folder. */
  close(): Promise<void>;
}

/** Starts FerretDB on a free loopback port with an empty data folder and waits until it answers. */
export async function startPrivateMongo(options: { log?: LogFn } = {}): Promise<PrivateMongo> {
  const binary = await ensureFerretdbBinary(options.log ?? silent);
  const dataDir = mkdtempSync(join(tmpdir(), 'grantline-ferretdb-'));
  const sqliteDir = join(dataDir, 'sqlite');
  const stateDir = join(dataDir, 'state');
  mkdirSync(sqliteDir);
  mkdirSync(stateDir);
  const port = await freePort();
  const url = `mongodb://127.0.0.1:${port}/`;
  const server = privateProcess({
    label: `FerretDB on port ${port}`,
    command: binary,
    args: ferretdbArgs({ sqliteDir, stateDir, port }),
    cwd: dataDir,
    probe: () => pingMongo(url),
    startTimeoutMs: 30_000,
  });
  try {
    await server.start();
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    process: server,
    close: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
