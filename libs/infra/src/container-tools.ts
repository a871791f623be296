import { ensureAptBinary } from './apt';
import type { LogOptions } from './types';

/**
 * What deploy/image/build.sh and the image test need: buildah builds, podman runs, debootstrap
 * makes the base, runc because crun refuses a hybrid cgroup hierarchy, and the rootless helpers
 * (docs/decisions/0021-container-image.md). Each is a Debian package, installed when its
 * binary is missing.
 */
const CONTAINER_TOOLS: ReadonlyArray<{ binary: string; pkg: string }> = [
  { binary: 'buildah', pkg: 'buildah' },
  { binary: 'podman', pkg: 'podman' },
  { binary: 'debootstrap', pkg: 'debootstrap' },
  { binary: 'runc', pkg: 'runc' },
  { binary: 'newuidmap', pkg: 'uidmap' },
  { binary: 'fuse-overlayfs', pkg: 'fuse-overlayfs' },
  { binary: 'slirp4netns', pkg: 'slirp4netns' },
];

export async function ensureContainerTools(options: LogOptions = {}): Promise<void> {
  for (const { binary, pkg } of CONTAINER_TOOLS) await ensureAptBinary(binary, pkg, options);
}
