import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Whether process `pid` holds a TCP socket whose local port is `port` (Linux /proc): which of
 * several replicas opened a connection a test server saw arrive from that port.
 */
export function holdsLocalPort(pid: number, port: number): boolean {
  const inodes = socketInodesOf(pid);
  return ['/proc/net/tcp', '/proc/net/tcp6'].some((table) =>
    localPortInodes(table, port).some((inode) => inodes.has(inode)),
  );
}

function socketInodesOf(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes; // gone, or not ours to read
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // closed while we looked
    }
  }
  return inodes;
}

/** Inodes of the sockets in a /proc/net table bound to a local port (`local_address` is ADDR:PORT in hex). */
function localPortInodes(table: string, port: number): string[] {
  let text: string;
  try {
    text = readFileSync(table, 'utf8');
  } catch {
    return [];
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1]?.endsWith(`:${hexPort}`))
    .map((fields) => fields[9] ?? '');
}
