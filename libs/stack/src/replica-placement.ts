import type { ShapedLink } from '@grantline/lib-infra';

/**
 * Where a replica runs when not directly on the host: how to start it there, what to make
 * reachable for it first, and how the host (the edge, tests) reaches the port it binds.
 */
export interface ReplicaPlacement {
  wrap(argv: readonly string[]): string[];
  /** Called with the replica's settings before it starts. */
  prepare(env: NodeJS.ProcessEnv): Promise<void>;
  /** The host loopback port that reaches `port`, the one the replica bound where it runs. */
  reach(port: number): Promise<number>;
}

/** Chooses a placement per replica; undefined runs it on the host as usual. */
export type PlaceReplica = (service: string, replica: number) => ReplicaPlacement | undefined;

/**
 * Runs a replica inside a shaped link: every loopback port its settings name (Kafka, Redis,
 * MongoDB, the device-polling replicas) is forwarded at the same 127.0.0.1 address, and those in
 * `shapedPorts` carry the link's delay and loss.
 */
export function placementIn(link: ShapedLink, shapedPorts: readonly number[]): ReplicaPlacement {
  return {
    wrap: (argv) => link.wrap(argv),
    prepare: async (env) => {
      const ports = loopbackPortsIn(env);
      await link.forward(
        ports.filter((port) => shapedPorts.includes(port)),
        { shaped: true },
      );
      await link.forward(ports.filter((port) => !shapedPorts.includes(port)));
    },
    reach: (port) => link.expose(port),
  };
}

/** The ports of every 127.0.0.1 or localhost address named in the settings' values. */
export function loopbackPortsIn(env: NodeJS.ProcessEnv): number[] {
  const ports = new Set<number>();
  for (const value of Object.values(env)) {
    for (const match of (value ?? '').matchAll(/(?:127\.0\.0\.1|localhost):(\d{1,5})\b/g)) {
      ports.add(Number(match[1]));
    }
  }
  return [...ports].filter((port) => port > 0 && port < 65_536).sort((a, b) => a - b);
}

/** The ports of a `KAFKA_BROKERS` list (`host:port,host:port`). */
export function brokerPortsOf(brokers: string): number[] {
  return brokers
    .split(',')
    .map((broker) => Number(broker.trim().split(':').pop()))
    .filter((port) => Number.isInteger(port) && port > 0);
}
