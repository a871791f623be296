import { loadConfig, required, type Config } from '@grantline/lib-config';
import { streams } from '@grantline/lib-events';
import {
  AuditCheck,
  MongoAuditStore,
  ProjectionCheck,
  type AuditCheckResult,
  type ProjectionCheckResult,
} from '@grantline/lib-projections';
import { kafkaEventLog, redisProjectionStore } from '@grantline/lib-runtime';

/** What `grantline projections verify` prints. */
export type VerifyReport = { consistent: boolean } & ProjectionCheckResult & {
    audit: AuditCheckResult | null;
    auditNote?: string;
  };

const AUDIT_SKIPPED = 'MONGODB_URL is not set: the audit collection was not checked';

/**
 * Replays the log once into a projection check and an audit check, compares the Redis
 * projection and (when MONGODB_URL is set) the audit collection with it, prints the report as
 * JSON and resolves with the exit code: 1 on any difference or checksum mismatch, else 0.
 */
export async function verifyProjections(config: Config = loadConfig()): Promise<number> {
  const log = kafkaEventLog(config, 'grantline-verify');
  const store = redisProjectionStore(config);
  let audit: MongoAuditStore | null = null;
  try {
    await store.waitUntilReady(10_000);
    audit = config.MONGODB_URL
      ? await MongoAuditStore.connect(required(config, 'MONGODB_URL'), config.GRANTLINE_MONGODB_DATABASE)
      : null;
    const check = new ProjectionCheck();
    const auditCheck = new AuditCheck();
    await log.replay(streams, async (event, position) => {
      await check.apply(event, position);
      auditCheck.apply(event);
    });
    const report = verifyReport(await check.compare(store), audit ? await auditCheck.compare(audit) : null);
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return report.consistent ? 0 : 1;
  } finally {
    await Promise.all([log.close(), store.close(), audit?.close()]);
  }
}

/** Consistent when nothing differs and every checksum, the audit's included, matches. */
export function verifyReport(result: ProjectionCheckResult, audit: AuditCheckResult | null): VerifyReport {
  const consistent =
    result.differences.length === 0 &&
    Object.values(result.checksums).every((checksum) => checksum.matches) &&
    (audit?.matches ?? true);
  return { consistent, ...result, audit, ...(audit ? {} : { auditNote: AUDIT_SKIPPED }) };
}
