import { spawnSync } from 'node:child_process';
import { ensureAptBinary } from '../apt';
import { messageOf } from '../errors';
import { silent, type LogFn } from '../types';
import { run } from './link-commands';
import {
  addPortsScript,
  droppedPackets,
  LIST_TABLE_ARGS,
  linkPlan,
  lossRules,
  namespaceName,
  namespaceRuleset,
  SUBNET_COUNT,
  type DroppedPackets,
  type LinkPlan,
} from './link-plan';
import { namespaceRefusal } from './link-permission';
import { linkShapeOf, sampleDelayMs, UNSHAPED, type LinkShape, type LinkShapeInput } from './link-shape';
import { sweepShapedLinks } from './sweep';
import { startTcpRelay, type TcpRelay } from './tcp-relay';

/**
 * A network namespace joined to the host by a veth pair whose traffic to chosen host ports can be
 * delayed and made lossy while processes inside keep running.
 *
 * This machine's kernel has no `sch_netem` (and no queue target in nftables), so the link does
 * not use `tc netem`: loss is dropped in the kernel by nftables inside the namespace, and delay is
 * added by the relay that carries each forwarded port from the host end of the veth to the host's
 * loopback (docs/decisions/0034-shaped-network-link.md).
 */
export interface ShapedLink {
  readonly namespace: string;
  /** The host's end of the veth. */
  readonly hostAddress: string;
  /** The namespace's end of the veth. */
  readonly innerAddress: string;
  /** The shape in force (all zero when clear). */
  readonly current: LinkShape;
  /** The argv that runs `argv` inside the namespace (`ip netns exec` keeps env and open descriptors). */
  wrap(argv: readonly string[]): string[];
  /**
   * Makes the host's 127.0.0.1:<port> reachable inside at the same address. Shaped ports carry
   * the link's delay and loss; the others pass untouched. A port already forwarded is kept as is.
   */
  forward(ports: readonly number[], options?: { shaped?: boolean }): Promise<void>;
  /** A host loopback port that reaches 127.0.0.1:<innerPort> inside the namespace, unshaped. */
  expose(innerPort: number): Promise<number>;
  /** Applies delay, jitter and loss to the shaped ports; takes effect for the next packets. */
  shape(shape: LinkShapeInput): Promise<void>;
  /** Back to a clean link. */
  clear(): Promise<void>;
  /** Packets the link dropped in each direction since its shape was last set. */
  dropped(): Promise<DroppedPackets>;
  /** Removes the relays, the veth pair and the namespace (with its rules); safe to call twice. */
  close(): Promise<void>;
}

export interface OpenShapedLinkOptions {
  log?: LogFn;
}

let sequence = 0;

/**
 * Opens a shaped link, installing iproute2 and nftables on first use. Throws with the reason when
 * network namespaces are not permitted here. Leftovers of links whose process died are removed
 * first.
 */
export async function openShapedLink(options: OpenShapedLinkOptions = {}): Promise<ShapedLink> {
  const log = options.log ?? silent;
  const refusal = namespaceRefusal(process.platform, process.getuid?.());
  if (refusal !== undefined) throw new Error(refusal);
  const ip = await ensureAptBinary('ip', 'iproute2', { log });
  const nft = await ensureAptBinary('nft', 'nftables', { log });
  await sweepShapedLinks({ ip, log });

  const namespace = namespaceName(process.pid, (sequence += 1));
  try {
    await run(ip, ['netns', 'add', namespace]);
  } catch (error) {
    throw new Error(`network namespaces are not permitted here: ${messageOf(error)}`);
  }
  const removeOnExit = () => removeSync(ip, namespace);
  process.once('exit', removeOnExit);
  let plan: LinkPlan | undefined;
  try {
    plan = await createVethPair(ip, namespace);
    await configure(ip, nft, plan);
  } catch (error) {
    process.off('exit', removeOnExit);
    removeSync(ip, namespace, plan?.hostDevice);
    throw error;
  }
  log(`shaped link ${namespace}: host ${plan.hostAddress} (${plan.hostDevice}), inside ${plan.innerAddress}`);
  return linkOf(ip, nft, plan, () => process.off('exit', removeOnExit));
}

/** Takes the first free subnet: creating the host device fails when another link holds its name. */
async function createVethPair(ip: string, namespace: string): Promise<LinkPlan> {
  const start = Math.floor(Math.random() * SUBNET_COUNT);
  for (let attempt = 0; attempt < 64; attempt += 1) {
    const plan = linkPlan(namespace, (start + attempt) % SUBNET_COUNT);
    try {
      await run(ip, [
        'link',
        'add',
        plan.hostDevice,
        'type',
        'veth',
        'peer',
        'name',
        plan.innerDevice,
        'netns',
        namespace,
      ]);
      return plan;
    } catch (error) {
      if (!/exists/i.test(messageOf(error))) throw error;
    }
  }
  throw new Error('no free subnet for a shaped link after 64 attempts');
}

async function configure(ip: string, nft: string, plan: LinkPlan): Promise<void> {
  const inside = (...args: string[]) => run(ip, ['-n', plan.namespace, ...args]);
  await run(ip, ['addr', 'add', `${plan.hostAddress}/30`, 'dev', plan.hostDevice]);
  await run(ip, ['link', 'set', plan.hostDevice, 'up']);
  await inside('link', 'set', 'lo', 'up');
  await inside('addr', 'add', `${plan.innerAddress}/30`, 'dev', plan.innerDevice);
  await inside('link', 'set', plan.innerDevice, 'up');
  // Rewriting to and from 127.0.0.1 needs loopback addresses routable off `lo`, in this namespace only.
  await run(ip, ['netns', 'exec', plan.namespace, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/conf/all/route_localnet']);
  await run(ip, ['netns', 'exec', plan.namespace, nft, '-f', '-'], namespaceRuleset(plan));
}

function linkOf(ip: string, nft: string, plan: LinkPlan, forgetExitHook: () => void): ShapedLink {
  let shape: LinkShape = UNSHAPED;
  const relays: TcpRelay[] = [];
  const forwarded = new Set<number>();
  let closing: Promise<void> | undefined;
  const nftInside = (script: string) => run(ip, ['netns', 'exec', plan.namespace, nft, '-f', '-'], script);
  const shapedDelay = () => sampleDelayMs(shape, Math.random);
  const apply = async (next: LinkShape) => {
    await nftInside(lossRules(plan, next));
    shape = next;
  };

  return {
    namespace: plan.namespace,
    hostAddress: plan.hostAddress,
    innerAddress: plan.innerAddress,
    get current() {
      return shape;
    },
    wrap: (argv) => [ip, 'netns', 'exec', plan.namespace, ...argv],
    async forward(ports, options = {}) {
      const fresh = [...new Set(ports)].filter((port) => !forwarded.has(port));
      // Validates the ports before any relay starts.
      const script = addPortsScript('forwarded', fresh) + (options.shaped ? addPortsScript('shaped', fresh) : '');
      for (const port of fresh) {
        relays.push(
          await startTcpRelay({
            listen: { host: plan.hostAddress, port },
            target: { host: '127.0.0.1', port },
            delayMs: options.shaped ? shapedDelay : undefined,
          }),
        );
        forwarded.add(port);
      }
      if (script !== '') await nftInside(script);
    },
    async expose(innerPort) {
      const relay = await startTcpRelay({
        listen: { host: '127.0.0.1', port: 0 },
        target: { host: plan.innerAddress, port: innerPort },
      });
      relays.push(relay);
      return relay.listening.port;
    },
    shape: async (input) => apply(linkShapeOf(input)),
    clear: () => apply(UNSHAPED),
    dropped: async () => droppedPackets(await run(ip, ['netns', 'exec', plan.namespace, nft, ...LIST_TABLE_ARGS])),
    close() {
      closing ??= (async () => {
        await Promise.all(relays.splice(0).map((relay) => relay.close()));
        removeSync(ip, plan.namespace, plan.hostDevice);
        forgetExitHook();
      })();
      return closing;
    },
  };
}

/**
 * Removes a link's veth pair (deleting one end deletes both) and its namespace, which takes its
 * nftables table with it. Synchronous so that it also runs from an exit handler; a part already
 * gone is not an error.
 */
export function removeSync(ip: string, namespace: string, hostDevice?: string): void {
  if (hostDevice !== undefined) spawnSync(ip, ['link', 'del', hostDevice], { stdio: 'ignore', timeout: 10_000 });
  spawnSync(ip, ['netns', 'del', namespace], { stdio: 'ignore', timeout: 10_000 });
}
