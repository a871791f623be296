import {
  GenerationLostError,
  type PositionedEvent,
  type ProjectionPointer,
  type ProjectionState,
} from '@grantline/lib-projections';
import type { ProjectionStoreControl } from '../supervisor-ports';
import { HeldCalls } from '@grantline/lib-testing';

/**
 * What the store holds: the pointer, each generation's positions (`<stream>:<partition>` →
 * offset) and the revocation markers (`jti`s) in each generation.
 */
export interface StoreContents {
  pointer: ProjectionPointer | null;
  generations: Map<string, Map<string, string>>;
  revoked: Map<string, Set<string>>;
}

const copyOf = (contents: StoreContents): StoreContents => ({
  pointer: contents.pointer && { ...contents.pointer },
  generations: new Map([...contents.generations].map(([generation, positions]) => [generation, new Map(positions)])),
  revoked: new Map([...contents.revoked].map(([generation, jtis]) => [generation, new Set(jtis)])),
});

const empty = (): StoreContents => ({ pointer: null, generations: new Map(), revoked: new Map() });

const watermarkOf = (positions: ReadonlyMap<string, string>): number =>
  [...positions.values()].reduce((sum, offset) => sum + Number(offset) + 1, 0);

/**
 * The projection store's control in memory, with what happens to a real one (a flush, a restore
 * from a snapshot, an operator's rebuild, a reconnect) as methods a test calls. Every call the
 * supervisor makes is noted in `calls`, and any can be held midway.
 */
export class MemoryProjectionControl implements ProjectionStoreControl {
  readonly calls: string[] = [];
  readonly held = new HeldCalls();
  private contents: StoreContents = empty();
  private readonly reconnectListeners: Array<() => void> = [];
  private readonly watchers: Array<() => void> = [];
  private created = 0;
  /** Each restart of the store's server gives it a new `run_id`. */
  private restarts = 0;

  constructor(private readonly now: () => number) {}

  async pointer(): Promise<ProjectionPointer | null> {
    this.calls.push('pointer');
    await this.held.pass('pointer');
    return this.contents.pointer && { ...this.contents.pointer };
  }

  async positions(generation: string): Promise<Map<string, string> | null> {
    this.calls.push(`positions ${generation}`);
    await this.held.pass('positions');
    const positions = this.contents.generations.get(generation);
    return positions ? new Map(positions) : null;
  }

  async begin(options: { activate: boolean }): Promise<string> {
    const generation = `g${++this.created}`;
    this.calls.push(`begin ${generation}`);
    this.contents.generations.set(generation, new Map());
    const { pointer } = this.contents;
    if (options.activate) {
      this.contents.pointer = {
        generation,
        state: 'rebuilding',
        applied: 0,
        previous: pointer?.generation ?? null,
        building: pointer?.building ?? null,
        since: this.now(),
        incarnation: pointer?.incarnation ?? null,
      };
    } else if (pointer) {
      pointer.building = generation;
    }
    this.changed();
    return generation;
  }

  async setState(generation: string, state: ProjectionState): Promise<boolean> {
    this.calls.push(`setState ${generation} ${state}`);
    const { pointer } = this.contents;
    if (pointer?.generation !== generation) return false;
    if (pointer.state !== state) Object.assign(pointer, { state, since: this.now() });
    this.changed();
    return true;
  }

  async applyTo(generation: string, events: readonly PositionedEvent[]): Promise<number> {
    const where = events.map(({ position }) => `${position.stream}:${position.partition}@${position.offset}`);
    this.calls.push(`applyTo ${generation} ${where.join(',')}`);
    await this.held.pass('applyTo');
    const positions = this.contents.generations.get(generation);
    if (!positions) throw new GenerationLostError(`GRANTLINE_GENERATION_LOST ${generation}`);
    for (const { position } of events) {
      const key = `${position.stream}:${position.partition}`;
      const current = positions.get(key);
      if (current === undefined || BigInt(position.offset) > BigInt(current)) positions.set(key, position.offset);
    }
    const watermark = watermarkOf(positions);
    if (this.contents.pointer?.generation === generation) this.contents.pointer.applied = watermark;
    for (const { event } of events)
      if (event.type === 'AccessTokenRevoked') this.markRevoked(generation, event.data.jti);
    this.changed();
    return watermark;
  }

  async incarnation(): Promise<string> {
    this.calls.push('incarnation');
    return this.incarnationNow;
  }

  async validated(generation: string, incarnation: string): Promise<boolean> {
    this.calls.push(`validated ${generation} ${incarnation}`);
    const { pointer } = this.contents;
    if (pointer?.generation !== generation) return false;
    pointer.incarnation = incarnation;
    this.changed();
    return true;
  }

  /** The `run_id` of the server process the store runs in now. */
  get incarnationNow(): string {
    return `run${this.restarts}`;
  }

  async generations(): Promise<string[]> {
    return [...this.contents.generations.keys()];
  }

  async drop(generation: string): Promise<number> {
    this.calls.push(`drop ${generation}`);
    const positions = this.contents.generations.get(generation);
    this.contents.generations.delete(generation);
    this.contents.revoked.delete(generation);
    return positions ? positions.size + 1 : 0;
  }

  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  /** A projection as a projector left it: `generation` active in `state`, holding `positions`, checked in this process. */
  seed(generation: string, positions: Record<string, string>, state: ProjectionState = 'ready'): void {
    const held = new Map(Object.entries(positions));
    this.contents.generations.set(generation, held);
    this.contents.pointer = {
      generation,
      state,
      applied: watermarkOf(held),
      previous: null,
      building: null,
      since: this.now(),
      incarnation: this.incarnationNow,
    };
  }

  /** FLUSHALL: the pointer and every generation gone. */
  flushAll(): void {
    this.contents = empty();
  }

  /** A service writes a revocation marker through, into the active generation and one being built. */
  writeThrough(jti: string): void {
    const { pointer } = this.contents;
    for (const generation of [pointer?.generation, pointer?.building]) {
      if (generation) this.markRevoked(generation, jti);
    }
  }

  /** Whether the active generation holds the revocation marker of `jti`. */
  revokedNow(jti: string): boolean {
    const generation = this.contents.pointer?.generation;
    return generation !== undefined && (this.contents.revoked.get(generation)?.has(jti) ?? false);
  }

  /** Whether readers talking to the server now would serve: the projection is ready and checked in this process. */
  get servingNow(): boolean {
    const { pointer } = this.contents;
    return pointer?.state === 'ready' && pointer.incarnation === this.incarnationNow;
  }

  /** Calls `watcher` after every change the supervisor makes to the store. */
  watch(watcher: () => void): void {
    this.watchers.push(watcher);
  }

  private changed(): void {
    for (const watcher of this.watchers) watcher();
  }

  private markRevoked(generation: string, jti: string): void {
    const jtis = this.contents.revoked.get(generation) ?? new Set<string>();
    this.contents.revoked.set(generation, jtis);
    jtis.add(jti);
  }

  /** What the store holds now, kept aside (a snapshot saved to disk). */
  snapshot(): StoreContents {
    return copyOf(this.contents);
  }

  /**
   * The store comes back from an older snapshot (a restart from disk, a failover to a lagging
   * replica): another server process, so another `run_id`.
   */
  restore(snapshot: StoreContents): void {
    this.contents = copyOf(snapshot);
    this.restarts += 1;
  }

  /** The connection to the store is made again after a loss. */
  reconnect(): void {
    for (const listener of this.reconnectListeners) listener();
  }

  /** An operator's rebuild beside the active generation, switched to once built (`projections rebuild`). */
  rebuildBeside(positions: Record<string, string>): string {
    const generation = `g${++this.created}`;
    const built = new Map(Object.entries(positions));
    this.contents.generations.set(generation, built);
    this.contents.pointer = {
      generation,
      state: 'ready',
      applied: watermarkOf(built),
      previous: this.contents.pointer?.generation ?? null,
      building: null,
      since: this.now(),
      incarnation: this.contents.pointer?.incarnation ?? null,
    };
    return generation;
  }

  get pointerNow(): ProjectionPointer | null {
    return this.contents.pointer && { ...this.contents.pointer };
  }

  /** A generation's positions as plain entries, or null when it is gone. */
  positionsOf(generation: string): Record<string, string> | null {
    const positions = this.contents.generations.get(generation);
    return positions ? Object.fromEntries(positions) : null;
  }
}
