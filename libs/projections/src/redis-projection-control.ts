import { randomBytes } from 'node:crypto';
import type { GrantlineEvent } from '@grantline/lib-events';
import type { AppliedPosition } from './port';
import { ProjectionOps } from './projection-ops';
import { projectEvent } from './projectors';
import { callDefined, failClosed, RedisStore, type RedisConnectionOptions } from './redis-connection';
import { incarnationOf } from './redis-incarnation';
import { applyOps, defineProjectionScripts, positionsOf, POINTER_KEY } from './redis-projection-commands';

export type ProjectionState = 'ready' | 'rebuilding';

/** What the pointer says (see redis-projection-scripts.ts). */
export interface ProjectionPointer {
  generation: string;
  state: ProjectionState;
  /** The active generation's watermark: the sum over partitions of last applied offset + 1. */
  applied: number;
  /** The generation this one replaced, if any. */
  previous: string | null;
  /** A generation being rebuilt beside the active one. */
  building: string | null;
  /** When the state last changed (epoch ms). */
  since: number;
  /** The `run_id` of the Redis server process the store was last checked in against the log. */
  incarnation: string | null;
}

/** An event with where it sits in the log. */
export interface PositionedEvent {
  event: GrantlineEvent;
  position: AppliedPosition & { stream: string };
}

const GENERATION = /^g[0-9a-z]{14}$/;

/**
 * The projector's and the operator's side of the Redis projection: generations, their
 * positions and states, and applying events into one generation with its positions, atomically.
 */
export class RedisProjectionControl extends RedisStore {
  constructor(options: RedisConnectionOptions) {
    super(options);
    defineProjectionScripts(this.redis);
  }

  async pointer(): Promise<ProjectionPointer | null> {
    const fields = await failClosed(() => this.redis.hgetall(this.key(POINTER_KEY)));
    if (!fields.generation) return null;
    return {
      generation: fields.generation,
      state: fields.state === 'ready' ? 'ready' : 'rebuilding',
      applied: Number(fields.applied ?? 0),
      previous: fields.previous || null,
      building: fields.building || null,
      since: Number(fields.since ?? 0),
      incarnation: fields.incarnation || null,
    };
  }

  /** The last applied offset per `<stream>:<partition>`, or null when the generation is gone. */
  async positions(generation: string): Promise<Map<string, string> | null> {
    const fields = await failClosed(() => this.redis.hgetall(this.key(`${generation}:positions`)));
    if (fields.generation !== generation) return null;
    const { generation: _generation, applied: _applied, created: _created, ...offsets } = fields;
    return new Map(Object.entries(offsets));
  }

  /** Starts an empty generation: the active one, rebuilding, or one built beside the active one. */
  async begin(options: { activate: boolean }): Promise<string> {
    const generation = newGeneration();
    await failClosed(() =>
      callDefined(this.redis, 'grantlineBeginGeneration', [
        this.key(POINTER_KEY),
        this.prefix,
        generation,
        options.activate ? '1' : '0',
        String(Date.now()),
      ]),
    );
    return generation;
  }

  /** Sets the active generation's state; false when another generation is active now. */
  async setState(generation: string, state: ProjectionState): Promise<boolean> {
    const result = await failClosed(() =>
      callDefined(this.redis, 'grantlineSetState', [this.key(POINTER_KEY), generation, state, String(Date.now())]),
    );
    return Number(result) === 1;
  }

  /** The `run_id` of the Redis server process this connection talks to now. */
  incarnation(): Promise<string> {
    return failClosed(() => incarnationOf(this.redis));
  }

  /**
   * Records that `generation` was checked against the log in the server process `incarnation`,
   * which readers then serve from; false when another generation is active now. Ask for the
   * incarnation before the check's reads: a restart in between then leaves readers refusing.
   */
  async validated(generation: string, incarnation: string): Promise<boolean> {
    const result = await failClosed(() =>
      callDefined(this.redis, 'grantlineValidateIncarnation', [this.key(POINTER_KEY), generation, incarnation]),
    );
    return Number(result) === 1;
  }

  /** Makes a generation built beside the active one active and ready; returns the one it replaced. */
  async switchTo(generation: string): Promise<string | null> {
    const previous = await failClosed(() =>
      callDefined(this.redis, 'grantlineSwitchGeneration', [
        this.key(POINTER_KEY),
        this.prefix,
        generation,
        String(Date.now()),
      ]),
    );
    return typeof previous === 'string' && previous !== '' ? previous : null;
  }

  /** Applies events into a generation with their positions in one atomic step; returns its watermark. */
  async applyTo(generation: string, events: readonly PositionedEvent[]): Promise<number> {
    const ops = new ProjectionOps();
    for (const { event, position } of events) await projectEvent(ops, event, position);
    const positions = positionsOf(events.map((entry) => entry.position));
    return applyOps(this.redis, this.prefix, { mode: 'generation', generation }, ops.ops, positions);
  }

  /** The generations that have positions in this keyspace. */
  async generations(): Promise<string[]> {
    const found = new Set<string>();
    for await (const keys of this.redis.scanStream({ match: this.key('g*:positions'), count: 500 })) {
      for (const key of keys as string[]) {
        const generation = key.slice(this.prefix.length, -':positions'.length);
        if (GENERATION.test(generation)) found.add(generation);
      }
    }
    return [...found];
  }

  /** Deletes every key of a generation; returns how many. */
  async drop(generation: string): Promise<number> {
    if (!GENERATION.test(generation)) throw new Error(`not a generation: ${generation}`);
    let deleted = 0;
    for await (const keys of this.redis.scanStream({ match: this.key(`${generation}:*`), count: 500 })) {
      if ((keys as string[]).length > 0) deleted += await this.redis.unlink(...(keys as string[]));
    }
    return deleted;
  }

  /** Calls back each time the connection to Redis is made again after a loss. */
  onReconnect(listener: () => void): void {
    let connectedOnce = this.redis.status === 'ready';
    this.redis.on('ready', () => {
      if (connectedOnce) listener();
      connectedOnce = true;
    });
  }
}

function newGeneration(): string {
  const time = Date.now().toString(36).padStart(9, '0').slice(-9);
  return `g${time}${randomBytes(4).readUInt32BE(0).toString(36).padStart(5, '0').slice(-5)}`;
}
