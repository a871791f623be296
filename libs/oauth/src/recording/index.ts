export {
  awaitingProjection,
  WRITE_THROUGH,
  type ClaimsToRelease,
  type Decision,
  type ProjectionWait,
  type ReadOwnWrite,
} from './decision';
export { recordDecision, releaseClaims, type RecorderPorts } from './recorder';
