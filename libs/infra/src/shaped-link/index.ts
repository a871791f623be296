export { openShapedLink, type OpenShapedLinkOptions, type ShapedLink } from './shaped-link';
export type { LinkShape, LinkShapeInput } from './link-shape';
export type { DroppedPackets } from './link-plan';
