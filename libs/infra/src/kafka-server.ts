import { messageOf } from './errors';
import { pingKafka, warmUpKafka } from './kafka-client';
import { KAFKA_MARKER, prepareKafka } from './kafka-launch';
import { freePorts } from './ports';
import { spawnDetached } from './process-control';
import { waitForReady } from './readiness';
import { prepareServerDirs } from './server-record';
import type { ServerRecord } from './state-file';
import type { StartContext } from './start-context';

export async function startKafka(ctx: StartContext): Promise<ServerRecord> {
  const [port, controllerPort] = await freePorts(2);
  if (port === undefined || controllerPort === undefined) throw new Error('Could not allocate ports for Kafka');
  const { dataDir, logFile } = prepareServerDirs('kafka');
  const { java, args } = await prepareKafka({ dataDir, port, controllerPort, log: ctx.log });

  ctx.log(`starting Kafka broker on 127.0.0.1:${port} (controller ${controllerPort})`);
  const pid = spawnDetached(java, args, { cwd: dataDir, logFile });
  const brokers = `127.0.0.1:${port}`;
  const record: ServerRecord = { name: 'kafka', pid, port, url: brokers, logFile, marker: KAFKA_MARKER };
  ctx.spawned(record);
  await waitForReady({ name: 'Kafka', pid, logFile, timeoutMs: 120_000, probe: () => pingKafka(brokers) });
  try {
    await warmUpKafka(brokers);
  } catch (error) {
    ctx.log(`Kafka answers but its coordinators were slow to start (${messageOf(error)}); see ${logFile}`);
  }
  return record;
}
