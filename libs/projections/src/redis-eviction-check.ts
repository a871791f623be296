import { ReplyError } from 'ioredis';

/** How a service makes sure its Redis never evicts keys: ask it with CONFIG GET, or trust the operator. */
export type RedisEvictionCheckMode = 'config-get' | 'skip';

/** The one command the check needs; an ioredis connection has it. */
export interface RedisConfigReader {
  config(subcommand: 'GET', parameter: string): Promise<unknown>;
}

/** A Redis that may evict keys, or one whose policy could not be read: the service must not run against it. */
export class RedisEvictionPolicyError extends Error {
  override readonly name = 'RedisEvictionPolicyError';
}

const SKIP_SETTING = 'GRANTLINE_REDIS_EVICTION_CHECK=skip';
const WHY =
  'Grantline needs noeviction: Redis holds its revocation markers and single-use claims, and an evicted one ' +
  'would silently re-activate a revoked token or let a used code, refresh token or DPoP proof be replayed.';

/**
 * Throws RedisEvictionPolicyError unless Redis reports `maxmemory-policy noeviction`. Every other
 * policy, the `volatile-*` ones included (every marker has a TTL), may drop keys when memory runs
 * out. A Redis that refuses CONFIG (common on managed services) fails the check too, with a message
 * saying how to skip it once the provider's policy is known to be noeviction. Errors that are not
 * Redis's answer (connection lost, timeout) are rethrown as they are.
 */
export async function assertRedisKeepsKeys(redis: RedisConfigReader, mode: RedisEvictionCheckMode): Promise<void> {
  if (mode === 'skip') return;
  let reply: unknown;
  try {
    reply = await redis.config('GET', 'maxmemory-policy');
  } catch (error) {
    if (error instanceof ReplyError) throw checkRefused(String((error as Error).message).trim());
    throw error;
  }
  const policy = policyOf(reply);
  if (policy === undefined) throw checkRefused(`CONFIG GET maxmemory-policy answered ${JSON.stringify(reply)}`);
  if (policy === 'noeviction') return;
  throw new RedisEvictionPolicyError(
    `Redis is set to maxmemory-policy ${policy}, which may evict keys when memory runs out. ${WHY} ` +
      'Fix it with `CONFIG SET maxmemory-policy noeviction` (and `maxmemory-policy noeviction` in redis.conf, ' +
      "so that it survives a restart), or on a managed Redis by setting maxmemory-policy to noeviction in the service's " +
      `parameter group. Only if this Redis cannot evict keys whatever it reports, set ${SKIP_SETTING} to skip this check.`,
  );
}

function checkRefused(reason: string): RedisEvictionPolicyError {
  return new RedisEvictionPolicyError(
    `Could not check Redis's maxmemory-policy: CONFIG GET was refused (${reason}); managed Redis services often ` +
      `disable CONFIG. ${WHY} Make sure the provider's maxmemory-policy is noeviction (in its parameter group or ` +
      `settings), then set ${SKIP_SETTING} to start without this check.`,
  );
}

/** CONFIG GET answers a flat [name, value] list (RESP2) or a map (RESP3). */
function policyOf(reply: unknown): string | undefined {
  if (Array.isArray(reply)) {
    const index = reply.indexOf('maxmemory-policy');
    const value: unknown = index >= 0 ? reply[index + 1] : undefined;
    return typeof value === 'string' ? value : undefined;
  }
  if (reply !== null && typeof reply === 'object') {
    const value: unknown = (reply as Record<string, unknown>)['maxmemory-policy'];
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}
