import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { ensureFerretdbBinary } from './ferretdb-install';
import { freePort } from './ports';
import { spawnDetached } from './process-control';
import { waitForReady } from './readiness';
import { prepareServerDirs } from './server-record';
import type { StartContext } from './start-context';
import type { ServerRecord } from './state-file';

/** True when the MongoDB driver gets an answer to `ping`. */
export async function pingMongo(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
    monitorCommands: false,
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** FerretDB v1 on loopback with the SQLite backend in `sqliteDir`, quiet and without telemetry. */
export function ferretdbArgs(options: { sqliteDir: string; stateDir: string; port: number }): string[] {
  return [
    '--handler=sqlite',
    // FerretDB wants an existing directory here, written with a trailing slash.
    `--sqlite-url=file:${options.sqliteDir}/`,
    `--state-dir=${options.stateDir}`,
    `--listen-addr=127.0.0.1:${options.port}`,
    '--debug-addr=-',
    '--telemetry=disable',
    // The driver's endSessions on every close is unsupported and logged at WARN as a full dump.
    '--log-level=error',
  ];
}

export async function startFerretdb(ctx: StartContext): Promise<ServerRecord> {
  const binary = await ensureFerretdbBinary(ctx.log);
  const port = await freePort();
  const { dataDir, logFile } = prepareServerDirs('ferretdb');
  const sqliteDir = join(dataDir, 'sqlite');
  const ownStateDir = join(dataDir, 'state');
  mkdirSync(sqliteDir, { recursive: true });
  mkdirSync(ownStateDir, { recursive: true });

  const args = ferretdbArgs({ sqliteDir, stateDir: ownStateDir, port });
  ctx.log(`starting FerretDB on 127.0.0.1:${port}`);
  const pid = spawnDetached(binary, args, { cwd: dataDir, logFile });
  const url = `mongodb://127.0.0.1:${port}/`;
  const record: ServerRecord = { name: 'ferretdb', pid, port, url, logFile, marker: binary };
  ctx.spawned(record);
  await waitForReady({ name: 'FerretDB', pid, logFile, timeoutMs: 30_000, probe: () => pingMongo(url) });
  return record;
}
