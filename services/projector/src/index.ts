export { startProjector } from './projector';
