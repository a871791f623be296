import { randomUUID } from 'node:crypto';
import type { GrantlineEvent } from './catalogue';
import type { TraceContext } from './envelope';

export interface EventContext {
  now(): Date;
  newEventId?(): string;
  traceContext?: TraceContext;
  causationId?: string;
}

type DraftOf<E extends GrantlineEvent> = E extends GrantlineEvent ? Pick<E, 'type' | 'aggregate' | 'data'> : never;

export type AnyEventDraft = DraftOf<GrantlineEvent>;

/** Completes a draft into a full event with envelope fields. */
export function stampEvent(draft: AnyEventDraft, context: EventContext): GrantlineEvent {
  return {
    ...draft,
    eventId: context.newEventId ? context.newEventId() : randomUUID(),
    version: 1,
    occurredAt: context.now().toISOString(),
    traceContext: context.traceContext ?? {},
    ...(context.causationId ? { causationId: context.causationId } : {}),
  } as GrantlineEvent;
}
