import { runIdOf } from './redis-incarnation';
import { ServingCheck } from './serving-check';

// The reader's rule (docs/decisions/0018): serve only a ready projection, checked against the log
// by the projector in the Redis server process (run_id) this reader talks to, and not gone back
// in time.

const unavailable = (message: string) => ({ name: 'ProjectionUnavailableError', message });
const notChecked = unavailable('the projection has not been checked since redis (re)started');

describe('ServingCheck', () => {
  it('serves a ready projection checked in the server process it reads from', () => {
    expect(new ServingCheck().check('ga|ready|7|run-a', 'run-a')).toBe('ga');
  });

  it('refuses while the server process it reads from is not known', () => {
    expect(() => new ServingCheck().check('ga|ready|7|run-a', undefined)).toThrow(expect.objectContaining(notChecked));
  });

  it('refuses a projection checked in another server process (a restart from a snapshot, a failover)', () => {
    const serving = new ServingCheck();
    expect(serving.check('ga|ready|7|run-a', 'run-a')).toBe('ga');
    expect(() => serving.check('ga|ready|7|run-a', 'run-b')).toThrow(expect.objectContaining(notChecked));
  });

  it('refuses a marker that names no server process (written before incarnations were recorded)', () => {
    expect(() => new ServingCheck().check('ga|ready|7', 'run-a')).toThrow(expect.objectContaining(notChecked));
    expect(() => new ServingCheck().check('ga|ready|7|', 'run-a')).toThrow(expect.objectContaining(notChecked));
  });

  it('serves again once the projector has recorded the new process', () => {
    const serving = new ServingCheck();
    expect(() => serving.check('ga|ready|5|run-a', 'run-b')).toThrow(expect.objectContaining(notChecked));
    expect(serving.check('ga|ready|9|run-b', 'run-b')).toBe('ga');
  });

  it('keeps refusing a missing, rebuilding or regressed projection whatever the process', () => {
    const serving = new ServingCheck();
    expect(() => serving.check(null, 'run-a')).toThrow(
      expect.objectContaining(unavailable('the projection is missing')),
    );
    expect(() => serving.check('ga|rebuilding|7|run-a', 'run-a')).toThrow(
      expect.objectContaining(unavailable('the projection is being rebuilt')),
    );
    serving.check('ga|ready|7|run-a', 'run-a');
    expect(() => serving.check('ga|ready|6|run-a', 'run-a')).toThrow(
      expect.objectContaining(unavailable('the projection went back in time')),
    );
  });
});

describe('runIdOf', () => {
  it('reads the run_id of an INFO server reply', () => {
    const info =
      '# Server\r\nredis_version:7.2.4\r\nrun_id:3f1c0a9be2d44e0f8a1b2c3d4e5f60718293a4b5\r\ntcp_port:6379\r\n';
    expect(runIdOf(info)).toBe('3f1c0a9be2d44e0f8a1b2c3d4e5f60718293a4b5');
  });

  it('refuses a reply without one', () => {
    expect(() => runIdOf('# Server\r\nredis_version:7.2.4\r\n')).toThrow('INFO server did not name a run_id');
  });
});
