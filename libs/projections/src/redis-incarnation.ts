/**
 * The `run_id` in an `INFO server` reply: random for every start of a Redis server process, so
 * it names one incarnation of the store. A restart (from a snapshot or not) and a failover to
 * another node both change it.
 */
export function runIdOf(info: string): string {
  const runId = /^run_id:([0-9a-f]+)\r?$/m.exec(info)?.[1];
  if (!runId) throw new Error('INFO server did not name a run_id');
  return runId;
}

/** What `ConnectionIncarnation` needs of a connection (an ioredis `Redis`). */
export interface IncarnationSource {
  on(event: 'close' | 'ready', listener: () => void): unknown;
  info(section: 'server'): Promise<string>;
}

/** Asks the server a connection talks to now for its `run_id`. */
export async function incarnationOf(redis: IncarnationSource): Promise<string> {
  return runIdOf(await redis.info('server'));
}

/**
 * The incarnation a connection talks to, learned again after every (re)connect. Until it is
 * known again, `known` is undefined; a reply to a question asked on an earlier connection is
 * never taken for the current one.
 */
export class ConnectionIncarnation {
  private runId: string | undefined;
  private connection = 0;
  private learning: Promise<string> | undefined;

  constructor(private readonly redis: IncarnationSource) {
    redis.on('close', () => {
      this.connection += 1;
      this.runId = undefined;
      this.learning = undefined;
    });
    redis.on('ready', () => void this.learn().catch(() => undefined));
  }

  /** The `run_id` of the server this connection talks to, if learned since it last connected. */
  get known(): string | undefined {
    return this.runId;
  }

  /** The `run_id`, asked for (once, however many callers wait) when it is not known yet. */
  learn(): Promise<string> {
    if (this.runId !== undefined) return Promise.resolve(this.runId);
    this.learning ??= this.ask();
    return this.learning;
  }

  private async ask(): Promise<string> {
    const connection = this.connection;
    try {
      const runId = await incarnationOf(this.redis);
      if (connection === this.connection) this.runId = runId;
      return runId;
    } finally {
      if (connection === this.connection) this.learning = undefined;
    }
  }
}
