import { resolveInfra, type InfraUrls, type ResolvedInfra } from '@grantline/lib-infra';
import { pidsListeningOn } from '../process-cpu';
import type { ServerProcess } from './processes';

let shared: Promise<ResolvedInfra> | undefined;

/** Kafka, Redis and FerretDB for the stack and node-oidc-provider's Redis mode, resolved once. */
export function sharedInfra(): Promise<ResolvedInfra> {
  shared ??= resolveInfra({ log: (line) => process.stderr.write(`[infra] ${line}\n`) });
  return shared;
}

export async function releaseInfra(): Promise<void> {
  const pending = shared;
  shared = undefined;
  if (pending) await (await pending).release();
}

function listening(label: string, port: number): ServerProcess[] {
  return pidsListeningOn(port).map((pid) => ({ pid, label }));
}

export function redisProcesses(urls: InfraUrls): ServerProcess[] {
  return listening('redis', Number(new URL(urls.redisUrl).port));
}

/** Kafka, Redis and FerretDB (or MongoDB), found by the ports of their URLs. */
export function infraProcesses(urls: InfraUrls): ServerProcess[] {
  const kafkaPorts = urls.kafkaBrokers.split(',').map((broker) => Number(broker.trim().split(':').pop()));
  return [
    ...kafkaPorts.flatMap((port) => listening('kafka', port)),
    ...redisProcesses(urls),
    ...listening('mongodb', Number(new URL(urls.mongodbUrl).port)),
  ];
}
