import { ReplyError } from 'ioredis';
import { assertRedisKeepsKeys, RedisEvictionPolicyError, type RedisConfigReader } from './redis-eviction-check';

const answering = (reply: unknown): RedisConfigReader & { calls: string[][] } => {
  const calls: string[][] = [];
  return {
    calls,
    config: async (subcommand, parameter) => {
      calls.push([subcommand, parameter]);
      return reply;
    },
  };
};
const failing = (error: Error): RedisConfigReader => ({
  config: async () => {
    throw error;
  },
});

describe('assertRedisKeepsKeys', () => {
  it('accepts noeviction, read with CONFIG GET maxmemory-policy', async () => {
    const redis = answering(['maxmemory-policy', 'noeviction']);
    await expect(assertRedisKeepsKeys(redis, 'config-get')).resolves.toBeUndefined();
    expect(redis.calls).toEqual([['GET', 'maxmemory-policy']]);
  });

  it('reads a RESP3 map as well', async () => {
    await expect(
      assertRedisKeepsKeys(answering({ 'maxmemory-policy': 'noeviction' }), 'config-get'),
    ).resolves.toBeUndefined();
  });

  it.each(['allkeys-lru', 'volatile-ttl', 'allkeys-random'])(
    'refuses %s, saying why and how to fix it',
    async (policy) => {
      const refusal = assertRedisKeepsKeys(answering(['maxmemory-policy', policy]), 'config-get');
      await expect(refusal).rejects.toThrow(RedisEvictionPolicyError);
      await expect(refusal).rejects.toThrow(`Redis is set to maxmemory-policy ${policy}`);
      await expect(refusal).rejects.toThrow('Grantline needs noeviction');
      await expect(refusal).rejects.toThrow(/revocation markers and single-use claims.*re-activate a revoked token/);
      await expect(refusal).rejects.toThrow('CONFIG SET maxmemory-policy noeviction');
      await expect(refusal).rejects.toThrow('redis.conf');
      await expect(refusal).rejects.toThrow('parameter group');
      await expect(refusal).rejects.toThrow('GRANTLINE_REDIS_EVICTION_CHECK=skip');
    },
  );

  it.each([
    "ERR unknown command 'CONFIG', with args beginning with: 'GET' 'maxmemory-policy'",
    "NOPERM this user has no permissions to run the 'config|get' command",
  ])('explains how to skip the check when CONFIG is refused: %s', async (reply) => {
    const refusal = assertRedisKeepsKeys(failing(new ReplyError(reply)), 'config-get');
    await expect(refusal).rejects.toThrow(RedisEvictionPolicyError);
    await expect(refusal).rejects.toThrow(
      `Could not check Redis's maxmemory-policy: CONFIG GET was refused (${reply})`,
    );
    await expect(refusal).rejects.toThrow(
      /provider's maxmemory-policy is noeviction.*GRANTLINE_REDIS_EVICTION_CHECK=skip/,
    );
  });

  it('treats an empty answer (no such parameter) as a check that could not run', async () => {
    await expect(assertRedisKeepsKeys(answering([]), 'config-get')).rejects.toThrow(/Could not check .* answered \[\]/);
  });

  it('rethrows what is not an answer from Redis', async () => {
    const lost = new Error('Connection is closed.');
    await expect(assertRedisKeepsKeys(failing(lost), 'config-get')).rejects.toBe(lost);
  });

  it('asks nothing when skipped', async () => {
    const redis = answering(['maxmemory-policy', 'allkeys-lru']);
    await expect(assertRedisKeepsKeys(redis, 'skip')).resolves.toBeUndefined();
    expect(redis.calls).toEqual([]);
  });
});
