import { InvalidEventError, validateForAppend } from './append-validation';
import { grantlineEventSchema, type EventOfType, type GrantlineEvent, type GrantlineEventType } from './catalogue';
import { sampleEvents } from './sample-events';
import { eventCatalogue, streamOf } from './topics';

const events = sampleEvents({ now: () => new Date('2026-03-01T12:00:00.000Z') });
function sample<T extends GrantlineEventType>(type: T): EventOfType<T> {
  const event = events.find((candidate): candidate is EventOfType<T> => candidate.type === type);
  if (!event) throw new Error(`no sample ${type}`);
  return event;
}

const SECRET_JTI = 'jti-that-must-not-reach-a-log';
const issued = sample('AccessTokenIssued');
/** An access token whose client id is empty and whose expiry is a string: two zod issues. */
const malformed = {
  ...issued,
  data: { ...issued.data, jti: SECRET_JTI, clientId: '', expiresAt: 'tomorrow' },
} as unknown as GrantlineEvent;
const pat = sample('PersonalAccessTokenCreated');
/** A personal access token event stamped with a token aggregate: it would land on the tokens topic. */
const patOnTokens: GrantlineEvent = { ...pat, aggregate: { type: 'token', id: pat.aggregate.id } };

function refusal(append: readonly unknown[]): InvalidEventError {
  try {
    validateForAppend(append);
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error('the append was accepted');
}

describe('the catalogue', () => {
  it('gives every event type a stream, and every sample lands on the stream its aggregate implies', () => {
    const types = grantlineEventSchema.options.map((option) => option.shape.type.value);
    expect(Object.keys(eventCatalogue).sort()).toEqual([...types].sort());
    for (const event of events) expect(streamOf(event.aggregate)).toBe(eventCatalogue[event.type].stream);
  });

  it('is typed so that an event type without a stream does not compile', () => {
    // @ts-expect-error: the table is a mapped type over the union; every type needs its entry.
    const incomplete: typeof eventCatalogue = { ClientRegistered: { stream: 'clients' } };
    expect(Object.keys(incomplete)).toHaveLength(1);
  });

  it('keeps personal access tokens on the compacted users stream, off the tokens topic and its retention', () => {
    expect(eventCatalogue.PersonalAccessTokenCreated.stream).toBe('users');
    expect(eventCatalogue.PersonalAccessTokenRevoked.stream).toBe('users');
  });
});

describe('validateForAppend', () => {
  it('accepts one event of every type and returns them as parsed', () => {
    expect(validateForAppend(events)).toEqual(events);
  });

  it('drops keys the catalogue does not know, so they never reach the log', () => {
    const [written] = validateForAppend([{ ...issued, data: { ...issued.data, rawToken: 'eyJ' } }]);
    expect(written?.data).not.toHaveProperty('rawToken');
  });

  it('refuses the whole append for one malformed event, naming its type and paths but no value', () => {
    const error = refusal([sample('ClientRegistered'), malformed]);
    expect(error.problems).toEqual([
      { index: 1, type: 'AccessTokenIssued', issues: ['data.clientId: too_small', 'data.expiresAt: invalid_type'] },
    ]);
    expect(error.message).toContain('AccessTokenIssued');
    expect(error.message).toContain('data.clientId');
    expect(error.message).not.toContain(SECRET_JTI);
    expect(error.message).not.toContain('tomorrow');
  });

  it('refuses an event whose aggregate implies another stream than its type', () => {
    const error = refusal([patOnTokens]);
    expect(error.problems).toEqual([{ index: 0, type: 'PersonalAccessTokenCreated', issues: [expect.any(String)] }]);
    expect(error.message).toMatch(/token aggregate belongs on tokens, the type on users/);
  });

  it.each([
    ['an unknown type', { ...issued, type: 'TokenLeaked' }],
    ['something that is not an event', 'eyJhbGciOi'],
    ['nothing', null],
  ])('refuses %s without echoing it', (_, raw) => {
    const error = refusal([raw]);
    expect(error.problems).toEqual([{ index: 0, type: undefined, issues: [expect.any(String)] }]);
    expect(error.message).not.toMatch(/TokenLeaked|eyJ/);
  });

  it('reports every refused event of the append', () => {
    expect(refusal([malformed, issued, patOnTokens]).problems.map((problem) => problem.index)).toEqual([0, 2]);
  });
});
