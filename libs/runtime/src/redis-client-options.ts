import { ConfigError, required, type Config } from '@grantline/lib-config';
import type { RedisProjectionStoreOptions } from '@grantline/lib-projections';
import { readCaFile, readText, type ReadText } from './ca-file';

/**
 * The connection options of every Redis client a service or the CLI makes: the URL (REDIS_URL
 * unless `url` overrides it), the key prefix, the command timeout, and for `rediss://` with GRANTLINE_REDIS_TLS_CA_FILE
 * that CA (read here, once). The schema checks REDIS_URL against the CA file; an override is
 * checked here.
 */
export function redisConnectionOptions(
  config: Config,
  options: { url?: string; read?: ReadText } = {},
): RedisProjectionStoreOptions {
  const url = options.url ?? required(config, 'REDIS_URL');
  const caFile = config.GRANTLINE_REDIS_TLS_CA_FILE;
  const common = {
    url,
    keyPrefix: config.GRANTLINE_REDIS_PREFIX,
    commandTimeoutMs: config.GRANTLINE_REDIS_COMMAND_TIMEOUT_MS,
  };
  if (!caFile) return common;
  if (!/^rediss:\/\//i.test(url.trim())) {
    throw new ConfigError('GRANTLINE_REDIS_TLS_CA_FILE: a CA file is set but the Redis URL is not rediss://');
  }
  const ca = readCaFile('GRANTLINE_REDIS_TLS_CA_FILE', caFile, options.read ?? readText);
  return { ...common, tls: { ca } };
}
