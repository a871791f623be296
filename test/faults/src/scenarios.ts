import type { FaultEnvironment } from './fault-environment';

/**
 * One fault: what is done before it (during the warm-up), the fault itself, how long it lasts
 * and how it heals. A new fault is one entry in {@link scenarios}.
 */
export interface Scenario {
  name: string;
  /** What heals it, for the table's notes: only this part is restarted or resumed. */
  heals: string;
  /** Runs as the warm-up's load begins (e.g. a snapshot that the load's revocations then outdate). */
  prepare?(env: FaultEnvironment): Promise<void>;
  inject(env: FaultEnvironment): Promise<void>;
  /** How long the fault lasts before `heal`. */
  holdMs: number;
  heal?(env: FaultEnvironment): Promise<void>;
}

function signal(env: FaultEnvironment, service: string, name: NodeJS.Signals): void {
  const pid = env.running(service).child.pid;
  if (pid === undefined) throw new Error(`${service} has no pid`);
  process.kill(pid, name);
}

/** Kills the newest replica of a service (SIGKILL: no drain, no commit) and, as the heal, starts another. */
function killedAndRestarted(service: string): Scenario {
  return {
    name: `${service} killed mid-stream`,
    heals: `a new ${service} process`,
    inject: async (env) => {
      await env.running(service).stop('SIGKILL');
    },
    holdMs: 3_000,
    heal: async (env) => {
      await env.stack.startReplica(service);
    },
  };
}

/** Redis restarted from a snapshot taken during the warm-up, so it lacks the revocations made since. */
const restoredRedis = (projectorStopped: boolean): Scenario => ({
  name: projectorStopped ? 'Redis restored, projector stopped' : 'Redis restored, projector running',
  heals: projectorStopped ? 'SIGCONT to the projector' : 'nothing (the projector rechecks)',
  prepare: (env) => env.saveSnapshot(),
  inject: async (env) => {
    if (projectorStopped) signal(env, 'projector', 'SIGSTOP');
    await env.restoreSnapshot();
  },
  holdMs: projectorStopped ? 5_000 : 0,
  ...(projectorStopped ? { heal: async (env: FaultEnvironment) => signal(env, 'projector', 'SIGCONT') } : {}),
});

export const scenarios: readonly Scenario[] = [
  {
    name: 'Kafka killed',
    heals: 'the broker started again',
    inject: (env) => env.kafka.process.stop('SIGKILL'),
    holdMs: 5_000,
    heal: (env) => env.kafka.process.start(),
  },
  {
    name: 'Kafka paused',
    heals: 'SIGCONT to the broker',
    inject: async (env) => env.kafka.process.signal('SIGSTOP'),
    holdMs: 8_000,
    heal: async (env) => env.kafka.process.signal('SIGCONT'),
  },
  {
    name: 'Redis flushed',
    heals: 'nothing (the projector rebuilds)',
    inject: (env) => env.flushRedis(),
    holdMs: 0,
  },
  restoredRedis(false),
  restoredRedis(true),
  killedAndRestarted('projector'),
  killedAndRestarted('audit'),
  {
    name: 'token to Kafka slow and lossy',
    heals: 'the link clean again',
    // Each way: 200 ms more, 10 % of the packets dropped (decision 0034: nftables loss, relay delay).
    inject: (env) => env.kafkaLink.shape({ delayMs: 200, jitterMs: 20, lossPercent: 10 }),
    holdMs: 8_000,
    heal: (env) => env.kafkaLink.clear(),
  },
  // Last: the edge keeps its upstreams, so the killed replica stays gone for the rest of the run.
  {
    name: 'one token replica killed',
    heals: 'nothing (not restarted; the edge uses the other)',
    inject: async (env) => {
      await env.stack.replicaOf('token', 0)?.stop('SIGKILL');
    },
    holdMs: 0,
  },
];
