import { z, ZodError } from 'zod';
import { EventLogUnavailableError } from '@grantline/lib-event-log';
import { ProjectionStoreUnavailableError, ProjectionUnavailableError } from '@grantline/lib-projections';
import { failedDependency, toOAuthError } from './error-mapping';
import { commandRefused, invalidGrant, OAuthError } from './errors';

const zodError = (): ZodError => {
  const parsed = z.object({ name: z.string() }).safeParse({ name: 1 });
  if (parsed.success) throw new Error('expected a refusal');
  return parsed.error;
};

describe('toOAuthError', () => {
  it.each<[string, unknown, number, string]>([
    ['an unavailable event log', new EventLogUnavailableError('down'), 503, 'temporarily_unavailable'],
    ['an unavailable projection store', new ProjectionStoreUnavailableError('down'), 503, 'temporarily_unavailable'],
    ['a projection being rebuilt', new ProjectionUnavailableError('rebuilding'), 503, 'temporarily_unavailable'],
    ['an unexpected error', new Error('disk full'), 500, 'server_error'],
    ['something that is not an Error', 'a string', 500, 'server_error'],
    ['a ZodError outside the admin API', zodError(), 500, 'server_error'],
  ])('maps %s to %i %s', (_name, thrown, status, code) => {
    const error = toOAuthError(thrown);
    expect(error).toMatchObject({ status, error: code, cause: thrown });
  });

  it('keeps an error of the family as it is', () => {
    const refused = invalidGrant('code already used');
    expect(toOAuthError(refused)).toBe(refused);
  });

  it('asks for a retry on every 503 (RFC 9110 §10.2.3)', () => {
    expect(toOAuthError(new ProjectionUnavailableError('rebuilding')).options.headers).toEqual({ 'Retry-After': '1' });
  });

  it('lets nothing of an unknown or infrastructure failure reach the caller', () => {
    expect(toOAuthError(new Error('password=hunter2')).publicDescription).not.toContain('hunter2');
    expect(toOAuthError(new EventLogUnavailableError('broker-3 refused')).publicDescription).not.toContain('broker');
  });

  it('makes a ZodError a 400 with its issues where the route parsed the body itself', () => {
    const error = toOAuthError(zodError(), { zodIsInvalidRequest: true });
    expect(error).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(error.options.issues).toEqual([expect.stringMatching(/^name: /)]);
  });
});

describe('expose', () => {
  it.each<[string, OAuthError, boolean]>([
    ['a refused request', invalidGrant('code already used'), true],
    ['a refused admin command, even at 504', commandRefused(504, 'not yet visible'), true],
    ['a 503', toOAuthError(new EventLogUnavailableError('down')), false],
    ['a 500 with its own words', new OAuthError('server_error', 'lock file held by pid 42', 500), false],
  ])('is decided once: %s → %s', (_name, error, exposed) => {
    expect(error.expose).toBe(exposed);
    expect(error.publicDescription === error.error_description).toBe(exposed);
  });
});

describe('failedDependency', () => {
  it.each<[string, unknown, string | undefined]>([
    ['the event log', new EventLogUnavailableError('down'), 'kafka'],
    ['the store', new ProjectionStoreUnavailableError('down'), 'redis'],
    ['a projection', new ProjectionUnavailableError('rebuilding'), 'projection'],
    [
      'a cause one level down',
      new OAuthError('temporarily_unavailable', 'x', 503, { cause: new EventLogUnavailableError('down') }),
      'kafka',
    ],
    ['anything else', new Error('boom'), undefined],
  ])('names %s', (_name, thrown, dependency) => {
    expect(failedDependency(thrown)).toBe(dependency);
  });
});
