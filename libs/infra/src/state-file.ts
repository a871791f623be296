import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { infraDir } from './paths';
import type { InfraUrls } from './types';

export type ServerName = 'redis' | 'kafka' | 'ferretdb';

export interface ServerRecord {
  name: ServerName;
  pid: number;
  port: number;
  url: string;
  logFile: string;
  /** A string the server's command line must contain, so a reused pid is never signalled. */
  marker: string;
}

export interface InfraState {
  version: 1;
  startedAt: string;
  /** Present once every server has answered; servers are recorded as soon as they are spawned. */
  urls?: InfraUrls;
  servers: ServerRecord[];
}

export function stateFilePath(): string {
  return join(infraDir(), 'state.json');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isServerRecord(value: unknown): value is ServerRecord {
  return (
    isRecord(value) &&
    typeof value.name === 'string' &&
    typeof value.pid === 'number' &&
    typeof value.port === 'number' &&
    typeof value.url === 'string' &&
    typeof value.logFile === 'string' &&
    typeof value.marker === 'string'
  );
}

function isState(value: unknown): value is InfraState {
  return (
    isRecord(value) &&
    value.version === 1 &&
    typeof value.startedAt === 'string' &&
    Array.isArray(value.servers) &&
    value.servers.every(isServerRecord)
  );
}

/** The recorded state, or undefined when there is none or it is unreadable. */
export function readState(): InfraState | undefined {
  let text: string;
  try {
    text = readFileSync(stateFilePath(), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return isState(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function writeState(state: InfraState): void {
  mkdirSync(infraDir(), { recursive: true });
  const tmp = `${stateFilePath()}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, stateFilePath());
}

export function removeState(): void {
  rmSync(stateFilePath(), { force: true });
}
