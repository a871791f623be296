import { messageOf } from './errors';
import { startFerretdb } from './ferretdb-server';
import { withInfraLock } from './file-lock';
import { installAll } from './install';
import { startKafka } from './kafka-server';
import { startRedis } from './redis-server';
import { answeringUrls, urlsOf } from './server-probes';
import { stopRecorded } from './server-record';
import type { StartContext } from './start-context';
import { readState, removeState, writeState, type InfraState } from './state-file';
import { silent, type InfraUrls, type LogFn, type LogOptions } from './types';

async function stopAll(state: InfraState, log: LogFn): Promise<void> {
  await Promise.all(
    state.servers.map(async (record) => {
      if (await stopRecorded(record)) log(`stopped ${record.name} (pid ${record.pid})`);
    }),
  );
}

async function startAll(log: LogFn): Promise<InfraUrls> {
  await installAll(log);
  const began = Date.now();
  const state: InfraState = { version: 1, startedAt: new Date().toISOString(), servers: [] };
  const ctx: StartContext = {
    log,
    spawned(record) {
      state.servers.push(record);
      writeState(state);
    },
  };
  const results = await Promise.allSettled([startRedis(ctx), startKafka(ctx), startFerretdb(ctx)]);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [messageOf(r.reason)] : []));
  const urls = urlsOf(state);
  if (failures.length > 0 || urls === undefined) {
    await stopAll(state, log);
    removeState();
    throw new Error(`Local infrastructure did not start:\n- ${failures.join('\n- ')}`);
  }
  state.urls = urls;
  writeState(state);
  log(`all servers answering after ${((Date.now() - began) / 1000).toFixed(1)}s`);
  return urls;
}

/** Reuses recorded servers when all of them answer; otherwise starts a fresh, empty set. */
export function ensureLocalInfra(log: LogFn): Promise<{ urls: InfraUrls; startedHere: boolean }> {
  return withInfraLock(async () => {
    const existing = readState();
    if (existing !== undefined) {
      const urls = await answeringUrls(existing);
      if (urls !== undefined) {
        log('reusing running local servers');
        return { urls, startedHere: false };
      }
      log('recorded servers are not all answering; restarting them');
      await stopAll(existing, log);
      removeState();
    }
    return { urls: await startAll(log), startedHere: true };
  }, log);
}

/** Starts Redis, Kafka and FerretDB on loopback (or reuses them) and returns their URLs. */
export async function upLocalInfra(options: LogOptions = {}): Promise<InfraUrls> {
  const { urls } = await ensureLocalInfra(options.log ?? silent);
  return urls;
}

/** Stops the servers recorded in the state file, and nothing else. */
export function downLocalInfra(options: LogOptions = {}): Promise<void> {
  const log = options.log ?? silent;
  return withInfraLock(async () => {
    const state = readState();
    if (state === undefined) {
      log('no local servers recorded');
      return;
    }
    await stopAll(state, log);
    removeState();
  }, log);
}
