import { resolveInfra, type ResolvedInfra } from '../libs/infra/src';
import { prepareSharedStacks } from './stack/shared-stacks';

/** Shared with the teardown: jest runs both in the same parent process. */
export interface InfraGlobal {
  __grantlineInfra?: ResolvedInfra;
}

export default async function globalSetup(): Promise<void> {
  const log = (line: string): void => {
    process.stderr.write(`[infra] ${line}\n`);
  };
  let infra: ResolvedInfra;
  try {
    infra = await resolveInfra({ log });
  } catch (error) {
    throw new Error(
      `Tests need Kafka, Redis and a MongoDB-compatible server, and none could be had:\n` +
        `${error instanceof Error ? error.message : String(error)}\n\n` +
        'Either start local servers with `npm run infra:up` and export the KAFKA_BROKERS, REDIS_URL and ' +
        'MONGODB_URL lines it prints, or set those three variables to servers you already run.',
    );
  }
  // Workers are forked from this process, so they inherit these.
  process.env.KAFKA_BROKERS = infra.urls.kafkaBrokers;
  process.env.REDIS_URL = infra.urls.redisUrl;
  process.env.MONGODB_URL = infra.urls.mongodbUrl;
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  prepareSharedStacks();
  if (infra.source !== 'environment') {
    log(`using ${infra.source} servers${infra.startedHere ? ' (started for this run)' : ''}`);
  }
  (globalThis as InfraGlobal).__grantlineInfra = infra;
}
