import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kraftServerProperties, quietLog4jProperties } from './kafka-config';
import { ensureKafkaJars } from './kafka-install';
import { runChecked } from './process-control';
import { requireTool } from './tools';
import type { LogFn } from './types';

/** Distinguishes our broker's command line from any other JVM. */
export const KAFKA_MARKER = '-Dgrantline.infra=kafka';

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

/** The command line of a single-node KRaft broker whose storage is formatted in `dataDir`. */
export interface KafkaLaunch {
  java: string;
  args: string[];
}

/**
 * Writes the broker's settings into `dataDir`, formats its storage there and returns the command
 * that runs it; the same command starts it again on the same data after a stop.
 */
export async function prepareKafka(options: {
  dataDir: string;
  port: number;
  controllerPort: number;
  log: LogFn;
}): Promise<KafkaLaunch> {
  const java = await requireTool('java', 'run the Kafka broker');
  const jars = await ensureKafkaJars(options.log);
  const { dataDir, port, controllerPort } = options;
  const serverProperties = join(dataDir, 'server.properties');
  const log4jProperties = join(dataDir, 'log4j.properties');
  writeFileSync(serverProperties, kraftServerProperties({ port, controllerPort, logDirs: join(dataDir, 'kraft') }));
  writeFileSync(log4jProperties, quietLog4jProperties);
  const classpath = ['-cp', join(jars, '*')];
  const log4j = `-Dlog4j.configuration=file:${log4jProperties}`;
  await runChecked(
    java,
    [log4j, ...classpath, 'kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', serverProperties],
    { cwd: dataDir, timeoutMs: 120_000 },
  );
  const jvm = ['-Xms256m', '-Xmx512m', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true', KAFKA_MARKER, log4j];
  return { java, args: [...jvm, ...classpath, 'kafka.Kafka', serverProperties] };
}
