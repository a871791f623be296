import { SERVER_NAMES, answers, urlsOf } from './server-probes';
import { readState } from './state-file';
import type { InfraUrls } from './types';

export interface ServerStatus {
  name: string;
  pid?: number;
  port?: number;
  up: boolean;
}

export interface LocalInfraStatus {
  running: boolean;
  urls?: InfraUrls;
  servers: ServerStatus[];
}

/** What the state file records, checked against the live processes and their protocols. */
export async function localInfraStatus(): Promise<LocalInfraStatus> {
  const state = readState();
  const servers = await Promise.all(
    SERVER_NAMES.map(async (name): Promise<ServerStatus> => {
      const record = state?.servers.find((s) => s.name === name);
      if (record === undefined) return { name, up: false };
      return { name, pid: record.pid, port: record.port, up: await answers(record) };
    }),
  );
  const running = servers.every((s) => s.up);
  const urls = running && state !== undefined ? urlsOf(state) : undefined;
  return urls === undefined ? { running: false, servers } : { running, urls, servers };
}
