import type { Logger } from '@grantline/lib-http';
import type { RedisProjectionControl } from '@grantline/lib-projections';
import type { Telemetry } from '@grantline/lib-telemetry';
import { ProjectionSupervisor, type PositionedLog } from './projection-supervisor';

/**
 * Projects the log into the hot store. Applies are idempotent by position and carry the log
 * positions with them, so redelivery is safe and the store says where to resume.
 */
export async function startProjector(options: {
  log: PositionedLog;
  control: RedisProjectionControl;
  groupId: string;
  checkIntervalMs: number;
  telemetry: Pick<Telemetry, 'metrics' | 'tracing'>;
  logger: Logger;
  onFatal?: (error: unknown) => void;
}): Promise<ProjectionSupervisor> {
  const supervisor = new ProjectionSupervisor(options);
  await supervisor.start();
  return supervisor;
}
