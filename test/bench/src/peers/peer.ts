import type { ServerProcess } from './processes';

/** How a client presents its secret. */
export type ClientAuth = 'basic' | 'post';

export interface RunningPeer {
  tokenUrl: string;
  introspectUrl: string;
  clientId: string;
  clientSecret: string;
  /** How the token endpoint is called. */
  tokenAuth: ClientAuth;
  /** Whether introspection sends the client's credentials (basic) or none at all. */
  introspectionAuth: 'basic' | 'none';
  /** The scope asked for in token requests. */
  scope: string;
  /** Every process of the server, infrastructure included; read again before each window. */
  pids(): ServerProcess[];
  /** Added to every warm-up, for runtimes that compile hot code late (the JVM). */
  extraWarmUpSeconds?: number;
  /** Settings worth printing beside the table (versions, modes, caveats). */
  notes: string[];
  stop(): Promise<void>;
}

export interface Peer {
  /** The name used in the table and in BENCH_PEERS_ONLY. */
  name: string;
  /** Downloads or builds what is missing; returns a one-line description of what is installed. */
  install(): Promise<string>;
  start(): Promise<RunningPeer>;
}
