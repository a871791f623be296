interface Held {
  arrived: () => void;
  released: Promise<void>;
}

/** A call a test holds back: `reached` resolves once it is made; it goes on after `release()`. */
export interface HeldCall {
  reached: Promise<void>;
  release(): void;
}

/** Lets a test stop a fake's next call to a method midway, to set one step of the supervisor against another. */
export class HeldCalls {
  private readonly held = new Map<string, Held>();

  /** Holds the next call of `method`. */
  hold(method: string): HeldCall {
    let arrived = (): void => undefined;
    let release = (): void => undefined;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.held.set(method, { arrived, released });
    return { reached, release };
  }

  /** Called by the fake at the start of `method`: waits there while a test holds it. */
  async pass(method: string): Promise<void> {
    const held = this.held.get(method);
    if (!held) return;
    this.held.delete(method);
    held.arrived();
    await held.released;
  }
}
