import type { Aggregate } from './envelope';
import type { GrantlineEvent } from './catalogue';

/** Logical streams; the event-log adapters map them to Kafka topics or files. */
export const streams = ['clients', 'users', 'tokens'] as const;
export type Stream = (typeof streams)[number];

export function streamOf(aggregate: Aggregate): Stream {
  switch (aggregate.type) {
    case 'client':
      return 'clients';
    // Personal access tokens live up to a year: the compacted topic keeps them past any retention.
    case 'user':
    case 'consent':
    case 'personal-access-token':
      return 'users';
    case 'token':
    case 'grant':
    case 'sign-in':
    case 'device':
      return 'tokens';
  }
}

export function streamOfEvent(event: GrantlineEvent): Stream {
  return streamOf(event.aggregate);
}
