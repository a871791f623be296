import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf } from './errors';
import { pingKafka, warmUpKafka } from './kafka-client';
import { kraftServerProperties, quietLog4jProperties } from './kafka-config';
import { ensureKafkaJars } from './kafka-install';
import { freePorts } from './ports';
import { runChecked, spawnDetached } from './process-control';
import { waitForReady } from './readiness';
import { prepareServerDirs } from './server-record';
import type { ServerRecord } from './state-file';
import type { StartContext } from './start-context';
import { requireTool } from './tools';

/** Distinguishes our broker's command line from any other JVM. */
const MARKER = '-Dgrantline.infra=kafka';

/**
 * 16 random bytes, base64url without padding. An id starting with '-' would be read as an
 * option by the storage tool, as Kafka's own generator also avoids.
 */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export async function startKafka(ctx: StartContext): Promise<ServerRecord> {
  const java = await requireTool('java', 'run the Kafka broker');
  const jars = await ensureKafkaJars(ctx.log);
  const [port, controllerPort] = await freePorts(2);
  if (port === undefined || controllerPort === undefined) throw new Error('Could not allocate ports for Kafka');
  const { dataDir, logFile } = prepareServerDirs('kafka');

  const serverProperties = join(dataDir, 'server.properties');
  const log4jProperties = join(dataDir, 'log4j.properties');
  writeFileSync(serverProperties, kraftServerProperties({ port, controllerPort, logDirs: join(dataDir, 'kraft') }));
  writeFileSync(log4jProperties, quietLog4jProperties);

  const classpath = ['-cp', join(jars, '*')];
  const log4j = `-Dlog4j.configuration=file:${log4jProperties}`;
  const clusterId = newClusterId();
  await runChecked(
    java,
    [log4j, ...classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', serverProperties],
    { cwd: dataDir, timeoutMs: 120_000 },
  );

  ctx.log(`starting Kafka broker on 127.0.0.1:${port} (controller ${controllerPort})`);
  const jvm = ['-Xms256m', '-Xmx512m', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true', MARKER, log4j];
  const pid = spawnDetached(java, [...jvm, ...classpath, 'kafka.Kafka', serverProperties], { cwd: dataDir, logFile });
  const brokers = `127.0.0.1:${port}`;
  const record: ServerRecord = { name: 'kafka', pid, port, url: brokers, logFile, marker: MARKER };
  ctx.spawned(record);
  await waitForReady({ name: 'Kafka', pid, logFile, timeoutMs: 120_000, probe: () => pingKafka(brokers) });
  try {
    await warmUpKafka(brokers);
  } catch (error) {
    ctx.log(`Kafka answers but its coordinators were slow to start (${messageOf(error)}); see ${logFile}`);
  }
  return record;
}
