import { EventLogUnavailableError } from '@grantline/lib-event-log';
import { invalidGrant } from '@grantline/lib-oauth';
import { ProjectionUnavailableError } from '@grantline/lib-projections';
import { expressError } from './express-oauth';

describe('expressError', () => {
  it.each<[string, unknown, number, string]>([
    [
      'a body the parser could not read',
      Object.assign(new Error('Unexpected token'), { status: 400 }),
      400,
      'invalid_request',
    ],
    [
      'a body over the limit',
      Object.assign(new Error('request entity too large'), { status: 413 }),
      413,
      'invalid_request',
    ],
    [
      'a body in an unknown charset',
      Object.assign(new Error('unsupported charset'), { status: 415 }),
      415,
      'invalid_request',
    ],
    ['an unavailable event log', new EventLogUnavailableError('down'), 503, 'temporarily_unavailable'],
    ['a projection being rebuilt', new ProjectionUnavailableError('rebuilding'), 503, 'temporarily_unavailable'],
    ['an unexpected failure', new Error('boom'), 500, 'server_error'],
  ])('maps %s to %i %s', (_name, thrown, status, code) => {
    expect(expressError(thrown)).toMatchObject({ status, error: code });
  });

  it('never repeats what the parser said about the body', () => {
    const refused = expressError(Object.assign(new Error('Unexpected token s in JSON at 3'), { status: 400 }));
    expect(refused.publicDescription).not.toContain('Unexpected');
  });

  it('keeps an error of the family as it is', () => {
    const refused = invalidGrant('code already used');
    expect(expressError(refused)).toBe(refused);
  });
});
