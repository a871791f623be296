import { pingMongo } from './ferretdb-server';
import { pingKafka } from './kafka-client';
import { pingRedis } from './redis-server';
import { isOurProcess } from './server-record';
import type { InfraState, ServerName, ServerRecord } from './state-file';
import type { InfraUrls } from './types';

export const SERVER_NAMES: readonly ServerName[] = ['redis', 'kafka', 'ferretdb'];

/** The recorded process is ours and answers its protocol. */
export async function answers(record: ServerRecord): Promise<boolean> {
  if (!isOurProcess(record)) return false;
  switch (record.name) {
    case 'redis':
      return pingRedis(record.port);
    case 'kafka':
      return pingKafka(record.url);
    case 'ferretdb':
      return pingMongo(record.url);
  }
}

/** URLs for clients, or undefined unless all three servers are recorded. */
export function urlsOf(state: InfraState): InfraUrls | undefined {
  const url = (name: ServerName): string | undefined => state.servers.find((s) => s.name === name)?.url;
  const kafkaBrokers = url('kafka');
  const redisUrl = url('redis');
  const mongodbUrl = url('ferretdb');
  if (kafkaBrokers === undefined || redisUrl === undefined || mongodbUrl === undefined) return undefined;
  return { kafkaBrokers, redisUrl, mongodbUrl };
}

/** URLs when every recorded server answers, otherwise undefined. */
export async function answeringUrls(state: InfraState): Promise<InfraUrls | undefined> {
  const urls = urlsOf(state);
  if (urls === undefined) return undefined;
  const results = await Promise.all(state.servers.map(answers));
  return results.every(Boolean) ? urls : undefined;
}
