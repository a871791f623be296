import { grantlineEventSchema, type GrantlineEvent, type GrantlineEventType } from './catalogue';
import { eventCatalogue, streamOf } from './topics';

/** Why one event of an append was refused: paths and codes only, never a value. */
export interface EventProblem {
  /** The event's place in the append. */
  index: number;
  /** The event type, when it is one of the catalogue's. */
  type: GrantlineEventType | undefined;
  /** Each failed check as `path: code` (zod issue path and code), or the stream mismatch. */
  issues: string[];
}

/**
 * A programming error, not an outage: the caller built an event the catalogue does not allow.
 * Its message names event types and field paths only, because events carry ids and hashes that
 * have no place in logs.
 */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';

  constructor(readonly problems: readonly EventProblem[]) {
    super(
      `refused to append ${problems.length === 1 ? 'an event' : `${problems.length} events`} ` +
        `the catalogue does not allow: ${problems.map(describe).join('; ')}`,
    );
  }
}

/**
 * Checks a whole append against the catalogue before any adapter writes a byte: every event must
 * parse with its type's zod schema, and its aggregate must put it on its type's stream. Returns
 * the events as parsed, so what is written is exactly what the catalogue describes (keys it does
 * not know are dropped); throws `InvalidEventError`, and nothing is written, if any event fails.
 */
export function validateForAppend(events: readonly unknown[]): GrantlineEvent[] {
  const valid: GrantlineEvent[] = [];
  const problems: EventProblem[] = [];
  events.forEach((raw, index) => {
    const parsed = grantlineEventSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.code}`);
      problems.push({ index, type: catalogueTypeOf(raw), issues });
      return;
    }
    const event = parsed.data;
    const expected = eventCatalogue[event.type].stream;
    const stamped = streamOf(event.aggregate);
    if (stamped !== expected) {
      const issue = `aggregate.type: a ${event.aggregate.type} aggregate belongs on ${stamped}, the type on ${expected}`;
      problems.push({ index, type: event.type, issues: [issue] });
      return;
    }
    valid.push(event);
  });
  if (problems.length > 0) throw new InvalidEventError(problems);
  return valid;
}

function catalogueTypeOf(raw: unknown): GrantlineEventType | undefined {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  return typeof type === 'string' && Object.hasOwn(eventCatalogue, type) ? (type as GrantlineEventType) : undefined;
}

function describe(problem: EventProblem): string {
  return `#${problem.index} ${problem.type ?? '(unknown type)'} (${problem.issues.join(', ')})`;
}
