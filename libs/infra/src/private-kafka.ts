import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pingKafka, warmUpKafka } from './kafka-client';
import { prepareKafka } from './kafka-launch';
import { freePorts } from './ports';
import { privateProcess, type PrivateProcess } from './private-process';
import { silent, type LogFn } from './types';

/** A single-node Kafka broker of its owner's own, which it may kill, pause and start again on the same data. */
export interface PrivateKafka {
  brokers: string;
  /** The broker process: `stop('SIGKILL')`, `signal('SIGSTOP')`, `start()` again. */
  process: PrivateProcess;
  /** Stops the broker and removes its data folder. */
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 120_000;

/** Formats a fresh broker in a temporary folder, starts it on free loopback ports and waits until it answers. */
export async function startPrivateKafka(options: { log?: LogFn } = {}): Promise<PrivateKafka> {
  const log = options.log ?? silent;
  const dataDir = mkdtempSync(join(tmpdir(), 'grantline-kafka-'));
  try {
    const [port, controllerPort] = await freePorts(2);
    if (port === undefined || controllerPort === undefined) throw new Error('Could not allocate ports for Kafka');
    const { java, args } = await prepareKafka({ dataDir, port, controllerPort, log });
    const brokers = `127.0.0.1:${port}`;
    const broker = privateProcess({
      label: `Kafka broker on ${brokers}`,
      command: java,
      args,
      cwd: dataDir,
      probe: () => pingKafka(brokers),
      startTimeoutMs: START_TIMEOUT_MS,
    });
    await broker.start();
    await warmUpKafka(brokers);
    return {
      brokers,
      process: broker,
      close: async () => {
        await broker.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
