/**
 * Why this process cannot create a shaped link, before it tries; undefined when it may. The
 * kernel can still refuse (a container without CAP_SYS_ADMIN), which `openShapedLink` reports.
 */
export function namespaceRefusal(platform: NodeJS.Platform, uid: number | undefined): string | undefined {
  if (platform !== 'linux') return `a shaped link needs Linux network namespaces; this is ${platform}`;
  if (uid !== 0) {
    return `a shaped link needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) to create network namespaces; this process runs as uid ${String(uid)}`;
  }
  return undefined;
}
