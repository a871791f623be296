import { ProjectionSupervisor } from './projection-supervisor';
import type { SupervisorOptions } from './supervisor-ports';

/**
 * Projects the log into the hot store. Applies are idempotent by position and carry the log
 * positions with them, so redelivery is safe and the store says where to resume.
 */
export async function startProjector(options: SupervisorOptions): Promise<ProjectionSupervisor> {
  const supervisor = new ProjectionSupervisor(options);
  await supervisor.start();
  return supervisor;
}
