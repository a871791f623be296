import { EventEmitter } from 'node:events';
import { ConnectionIncarnation, type IncarnationSource } from './redis-incarnation';

/** A connection whose INFO replies the test hands out, one by one, in the order asked. */
class FakeConnection extends EventEmitter implements IncarnationSource {
  private readonly pending: Array<(reply: string) => void> = [];

  info(): Promise<string> {
    return new Promise((resolve) => this.pending.push(resolve));
  }

  answer(runId: string): void {
    this.pending.shift()?.(`# Server\r\nrun_id:${runId}\r\n`);
  }
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('ConnectionIncarnation', () => {
  it('learns the run_id when the connection is ready, and forgets it when it closes', async () => {
    const connection = new FakeConnection();
    const incarnation = new ConnectionIncarnation(connection);
    expect(incarnation.known).toBeUndefined();

    connection.emit('ready');
    connection.answer('aa11');
    await turn();
    expect(incarnation.known).toBe('aa11');

    connection.emit('close');
    expect(incarnation.known).toBeUndefined();
  });

  it('never takes a reply asked on an earlier connection for the current one', async () => {
    const connection = new FakeConnection();
    const incarnation = new ConnectionIncarnation(connection);
    connection.emit('ready');
    connection.emit('close');
    connection.emit('ready');

    connection.answer('aa11');
    await turn();
    expect(incarnation.known).toBeUndefined();
    connection.answer('bb22');
    await turn();
    expect(incarnation.known).toBe('bb22');
  });

  it('asks once however many readers wait for it', async () => {
    const connection = new FakeConnection();
    const incarnation = new ConnectionIncarnation(connection);
    const asked = jest.spyOn(connection, 'info');

    const waiting = Promise.all([incarnation.learn(), incarnation.learn()]);
    connection.answer('cc33');

    expect(await waiting).toEqual(['cc33', 'cc33']);
    expect(asked).toHaveBeenCalledTimes(1);
  });
});
