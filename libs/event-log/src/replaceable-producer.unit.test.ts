import { ReplaceableProducer } from './replaceable-producer';

class FakeProducer {
  connected = false;
  disconnected = false;
  constructor(
    readonly id: number,
    private readonly failConnect = false,
  ) {}

  async connect(): Promise<void> {
    if (this.failConnect) throw new Error(`producer ${this.id} could not connect`);
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
}

function slotOf(failConnectFor: number[] = []) {
  const made: FakeProducer[] = [];
  const slot = new ReplaceableProducer(() => {
    const producer = new FakeProducer(made.length, failConnectFor.includes(made.length));
    made.push(producer);
    return producer;
  });
  return { slot, made };
}

describe('ReplaceableProducer', () => {
  it('keeps one connected producer while its sends succeed', async () => {
    const { slot, made } = slotOf();
    await slot.send(async () => undefined);
    await slot.send(async () => undefined);
    expect(await slot.get()).toBe(made[0]);
    expect(made).toHaveLength(1);
  });

  it('sends on a new producer after a send failed, and disconnects the old one', async () => {
    const { slot, made } = slotOf();
    await expect(
      slot.send(async () => {
        throw new Error('UNKNOWN_PRODUCER_ID');
      }),
    ).rejects.toThrow('UNKNOWN_PRODUCER_ID');
    const used: number[] = [];
    await slot.send(async (producer) => void used.push(producer.id));
    expect(used).toEqual([1]);
    expect(made[0]?.disconnected).toBe(true);
    expect(made[1]?.disconnected).toBe(false);
  });

  it('tries a new connection after a failed one', async () => {
    const { slot, made } = slotOf([0]);
    await expect(slot.get()).rejects.toThrow('producer 0 could not connect');
    expect(await slot.get()).toBe(made[1]);
  });

  it('does not drop a newer producer when an older send fails late', async () => {
    const { slot } = slotOf();
    let failLate: (error: Error) => void = () => undefined;
    const late = slot.send(() => new Promise<void>((_, reject) => (failLate = reject)));
    await expect(slot.send(async () => Promise.reject(new Error('first failure')))).rejects.toThrow();
    const replacement = await slot.get();
    failLate(new Error('late failure'));
    await expect(late).rejects.toThrow('late failure');
    expect(await slot.get()).toBe(replacement);
  });

  it('disconnects the producer in use on close', async () => {
    const { slot, made } = slotOf();
    await slot.get();
    await slot.close();
    expect(made[0]?.disconnected).toBe(true);
  });
});
