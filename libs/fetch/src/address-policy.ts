import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Which IP addresses are on the public Internet. Everything else — loopback, private, link-local
 * (cloud metadata services live at 169.254.169.254 and fd00:ec2::254), shared, multicast, reserved,
 * documentation and benchmarking ranges — is refused, so that a URL a client names cannot reach
 * Grantline's own network (RFC 6890 special-purpose registries, RFC 6598, RFC 9637).
 */
const NON_PUBLIC_IPV4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network" (RFC 791); 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // shared address space, carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata services (RFC 3927)
  ['172.16.0.0', 12], // private (RFC 1918)
  ['192.0.0.0', 24], // IETF protocol assignments (RFC 6890)
  ['192.0.2.0', 24], // documentation TEST-NET-1 (RFC 5737)
  ['192.88.99.0', 24], // 6to4 relay anycast, deprecated (RFC 7526)
  ['192.168.0.0', 16], // private (RFC 1918)
  ['198.18.0.0', 15], // benchmarking (RFC 2544)
  ['198.51.100.0', 24], // documentation TEST-NET-2 (RFC 5737)
  ['203.0.113.0', 24], // documentation TEST-NET-3 (RFC 5737)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the limited broadcast address
];

/** Only global unicast (2000::/3) may be public; within it, these ranges are not. */
const GLOBAL_UNICAST_IPV6: readonly [string, number] = ['2000::', 3];
const NON_PUBLIC_IPV6: readonly (readonly [string, number])[] = [
  ['2001::', 23], // IETF protocol assignments: Teredo, benchmarking, ORCHID (RFC 2928, RFC 4380)
  ['2001:db8::', 32], // documentation (RFC 3849)
  ['3fff::', 20], // documentation (RFC 9637)
];

/** IPv6 ranges that carry an IPv4 address in their last 32 bits: judged by that address. */
const EMBEDDING_IPV4_AT_END: readonly (readonly [string, number])[] = [
  ['::ffff:0:0', 96], // IPv4-mapped (RFC 4291 §2.5.5.2)
  ['::', 96], // IPv4-compatible, deprecated (RFC 4291 §2.5.5.1)
  ['64:ff9b::', 96], // NAT64 well-known prefix (RFC 6052)
];
/** 6to4 (RFC 3056) carries its IPv4 address in bits 16 to 47. */
const SIX_TO_FOUR: readonly [string, number] = ['2002::', 16];

function blockList(family: 'ipv4' | 'ipv6', ranges: readonly (readonly [string, number])[]): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of ranges) list.addSubnet(network, prefix, family);
  return list;
}

const nonPublicIpv4 = blockList('ipv4', NON_PUBLIC_IPV4);
const globalUnicast = blockList('ipv6', [GLOBAL_UNICAST_IPV6]);
const nonPublicIpv6 = blockList('ipv6', NON_PUBLIC_IPV6);
const embeddingAtEnd = EMBEDDING_IPV4_AT_END.map((range) => blockList('ipv6', [range]));
const sixToFour = blockList('ipv6', [SIX_TO_FOUR]);

/** True only for an IP address (v4 or v6, without brackets) on the public Internet. */
export function isPublicAddress(address: string): boolean {
  if (isIPv4(address)) return !nonPublicIpv4.check(address, 'ipv4');
  if (!isIPv6(address) || address.includes('%')) return false; // a zone id means link-local
  const bytes = ipv6Bytes(address);
  if (embeddingAtEnd.some((list) => list.check(address, 'ipv6'))) return isPublicAddress(ipv4At(bytes, 12));
  if (sixToFour.check(address, 'ipv6')) return isPublicAddress(ipv4At(bytes, 2));
  return globalUnicast.check(address, 'ipv6') && !nonPublicIpv6.check(address, 'ipv6');
}

function ipv4At(bytes: Uint8Array, offset: number): string {
  return Array.from(bytes.subarray(offset, offset + 4)).join('.');
}

/** The 16 bytes of a valid IPv6 address in any textual form (`::`, a trailing dotted quad). */
export function ipv6Bytes(address: string): Uint8Array {
  let text = address;
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const all = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const bytes = new Uint8Array(16);
  all.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}
