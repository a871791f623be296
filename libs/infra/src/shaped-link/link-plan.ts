import { lossThreshold, type LinkShape } from './link-shape';

/**
 * Names and addresses of one shaped link. Every name starts with a prefix a later run can
 * recognise, and the namespace carries its creator's pid, so leftovers of a process that died
 * can be told from links in use (see `sweepShapedLinks`).
 */
export interface LinkPlan {
  namespace: string;
  /** The veth end that stays on the host. */
  hostDevice: string;
  /** The veth end inside the namespace. */
  innerDevice: string;
  hostAddress: string;
  innerAddress: string;
}

export const NAMESPACE_PREFIX = 'grantline-link-';
const DEVICE_PREFIX = 'gl';
/** /30 subnets of 10.231.0.0/16, a private range nothing else here uses. */
export const SUBNET_COUNT = 16_384;
const TABLE = 'grantline_link';

export function namespaceName(pid: number, sequence: number): string {
  return `${NAMESPACE_PREFIX}${pid}-${sequence}`;
}

/** The creator's pid, for a namespace this module named; undefined for any other. */
export function ownerOf(namespace: string): number | undefined {
  const match = new RegExp(`^${NAMESPACE_PREFIX}(\\d+)-\\d+$`).exec(namespace);
  return match === null ? undefined : Number(match[1]);
}

/** The plan for subnet `index` (0 ≤ index < SUBNET_COUNT); device names stay within 15 bytes. */
export function linkPlan(namespace: string, index: number): LinkPlan {
  if (!Number.isInteger(index) || index < 0 || index >= SUBNET_COUNT) {
    throw new RangeError(`subnet index ${index} is outside 0..${SUBNET_COUNT - 1}`);
  }
  const base = index * 4;
  const prefix = `10.231.${Math.floor(base / 256)}.`;
  return {
    namespace,
    hostDevice: `${DEVICE_PREFIX}h${index}`,
    innerDevice: `${DEVICE_PREFIX}n${index}`,
    hostAddress: `${prefix}${(base % 256) + 1}`,
    innerAddress: `${prefix}${(base % 256) + 2}`,
  };
}

/**
 * The namespace's nftables table. Inside the namespace, 127.0.0.1:<port> of each forwarded port
 * is rewritten to the host end of the veth (where a relay hands it to the host's 127.0.0.1:<port>),
 * and connections arriving from the host at the inner address are rewritten to the namespace's
 * own 127.0.0.1, so a service keeps listening on loopback. Both need `route_localnet`, set for
 * this namespace only. The loss chains start empty; `lossRules` fills them. The outgoing one hooks
 * postrouting: in the output hook a rewritten packet is still routed to `lo` (it is rerouted only
 * after the whole hook), so matching the veth there would never drop anything.
 */
export function namespaceRuleset(plan: LinkPlan): string {
  return `table ip ${TABLE} {
  set forwarded { type inet_service; }
  set shaped { type inet_service; }
  chain to_host { type nat hook output priority -100; ip daddr 127.0.0.1 tcp dport @forwarded dnat to ${plan.hostAddress}; }
  chain from_host { type nat hook prerouting priority -100; iifname "${plan.innerDevice}" ip daddr ${plan.innerAddress} dnat to 127.0.0.1; }
  chain leaving { type nat hook postrouting priority 100; oifname "${plan.innerDevice}" masquerade; }
  chain loss_to_host { type filter hook postrouting priority 0; }
  chain loss_from_host { type filter hook input priority 0; }
}
`;
}

export function addPortsScript(set: 'forwarded' | 'shaped', ports: readonly number[]): string {
  for (const port of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new RangeError(`${port} is not a TCP port`);
  }
  return ports.length === 0 ? '' : `add element ip ${TABLE} ${set} { ${ports.join(', ')} }\n`;
}

/**
 * Drops a share of the shaped ports' packets in both directions, in the kernel, so TCP sees real
 * loss (retransmissions and their timeouts) rather than a slower stream.
 */
export function lossRules(plan: LinkPlan, shape: LinkShape): string {
  const flush = `flush chain ip ${TABLE} loss_to_host\nflush chain ip ${TABLE} loss_from_host\n`;
  const threshold = lossThreshold(shape.lossPercent);
  if (threshold === 0) return flush;
  // numgen's draw is below 10,000, so a threshold of 10,000 (all) is written as a plain drop.
  const drop = threshold >= 10_000 ? 'counter drop' : `numgen random mod 10000 < ${threshold} counter drop`;
  return (
    flush +
    `add rule ip ${TABLE} loss_to_host oifname "${plan.innerDevice}" ip daddr ${plan.hostAddress} tcp dport @shaped ${drop}\n` +
    `add rule ip ${TABLE} loss_from_host iifname "${plan.innerDevice}" ip saddr ${plan.hostAddress} tcp sport @shaped ${drop}\n`
  );
}

export const LIST_TABLE_ARGS = ['-j', 'list', 'table', 'ip', TABLE] as const;

/** Packets the loss rules dropped in each direction. */
export interface DroppedPackets {
  toHost: number;
  fromHost: number;
}

/** Reads the loss rules' counters from `nft -j list table` of the namespace's table. */
export function droppedPackets(listing: string): DroppedPackets {
  const parsed = JSON.parse(listing) as { nftables?: { rule?: { chain?: string; expr?: unknown[] } }[] };
  const dropped: DroppedPackets = { toHost: 0, fromHost: 0 };
  const directions: Record<string, keyof DroppedPackets> = { loss_to_host: 'toHost', loss_from_host: 'fromHost' };
  for (const entry of parsed.nftables ?? []) {
    const direction = directions[entry.rule?.chain ?? ''];
    if (direction === undefined) continue;
    for (const expression of entry.rule?.expr ?? []) {
      const packets = (expression as { counter?: { packets?: unknown } }).counter?.packets;
      if (typeof packets === 'number') dropped[direction] += packets;
    }
  }
  return dropped;
}
