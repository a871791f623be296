import { openShapedLink, type DroppedPackets, type LinkShapeInput, type ShapedLink } from '@grantline/lib-infra';
import { brokerPortsOf, placementIn, type PlaceReplica } from '@grantline/lib-stack';

export interface KafkaLinkPlacement {
  link: ShapedLink;
  /** For `startStack({ placement })`: puts the chosen replica behind the link. */
  placement: PlaceReplica;
}

/**
 * Opens a shaped link whose shaped ports are the Kafka brokers', and a placement that starts one
 * replica of a service (by default the first token replica) inside it. Every other loopback port
 * the replica's settings name (Redis, MongoDB, device polling) passes unshaped.
 */
export async function kafkaLinkFor(
  kafkaBrokers: string,
  target: { service?: string; replica?: number; log?: (line: string) => void } = {},
): Promise<KafkaLinkPlacement> {
  const link = await openShapedLink({ log: target.log });
  const placement = placementIn(link, brokerPortsOf(kafkaBrokers));
  const service = target.service ?? 'token';
  const replica = target.replica ?? 0;
  return {
    link,
    placement: (name, index) => (name === service && index === replica ? placement : undefined),
  };
}

export interface SlowLossyKafka extends LinkShapeInput {
  /** How long the link stays degraded before it heals. */
  seconds: number;
}

export interface FaultOutcome {
  /** When the shape took effect and when the link was clean again (ms since the epoch). */
  appliedAt: number;
  healedAt: number;
  /** Packets the link dropped while degraded, each way. */
  dropped: DroppedPackets;
}

/**
 * The fault "the network between a service and Kafka is slow and lossy": shapes the link for
 * `seconds`, then clears it. The link is healed even when the wait is interrupted by an error.
 */
export async function slowLossyKafka(link: ShapedLink, fault: SlowLossyKafka): Promise<FaultOutcome> {
  const { seconds, ...shape } = fault;
  await link.shape(shape);
  const appliedAt = Date.now();
  let dropped: DroppedPackets = { toHost: 0, fromHost: 0 };
  try {
    await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
    dropped = await link.dropped();
  } finally {
    await link.clear();
  }
  return { appliedAt, healedAt: Date.now(), dropped };
}
