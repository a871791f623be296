import type { Answer, RequestKind } from './answers';
import type { LoadPools } from './load-pools';
import { loadRequests, type LoadClients } from './load-requests';

/**
 * The order in which request kinds take the load's slots, repeated: per 20 slots 5 issues,
 * 6 introspections, 2 revocations, 4 refreshes and 3 device polls. A slot whose kind has nothing
 * to act on (no free refresh chain, no device due) is left empty.
 */
const SLOTS: readonly RequestKind[] = [
  'issue',
  'introspect',
  'refresh',
  'device-poll',
  'introspect',
  'issue',
  'revoke',
  'introspect',
  'refresh',
  'issue',
  'device-poll',
  'introspect',
  'issue',
  'refresh',
  'introspect',
  'revoke',
  'device-poll',
  'issue',
  'introspect',
  'refresh',
];

/** Requests at a fixed rate whatever the answers take (an open loop), each recorded when it ends. */
export class SteadyLoad {
  readonly answers: Answer[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private slot = 0;
  private sent = 0;

  constructor(
    private readonly url: string,
    private readonly clients: LoadClients,
    private readonly pools: LoadPools,
    private readonly ratePerSecond: number,
    /** The most requests this load sends, whatever its duration. */
    private readonly maxRequests: number,
  ) {}

  start(): void {
    const began = Date.now();
    const everyMs = 1000 / this.ratePerSecond;
    const tick = () => {
      // Catch up on slots a busy event loop delayed, so the rate holds on average.
      const due = Math.floor((Date.now() - began) / everyMs);
      while (this.slot < due && this.sent < this.maxRequests) this.send(SLOTS[this.slot++ % SLOTS.length] ?? 'issue');
      this.timer = setTimeout(tick, everyMs);
    };
    tick();
  }

  /** Stops sending and resolves with every answer once those in flight have come back. */
  async stop(): Promise<Answer[]> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([...this.inFlight]);
    return this.answers;
  }

  private send(kind: RequestKind): void {
    const request = loadRequests[kind](this.url, this.clients, this.pools);
    if (!request) return;
    this.sent += 1;
    const tracked = request.then((answer) => {
      this.answers.push(answer);
      this.inFlight.delete(tracked);
    });
    this.inFlight.add(tracked);
  }
}
