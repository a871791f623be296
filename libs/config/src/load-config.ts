import { configSchema, type Config } from './schema';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses settings from the environment; throws a readable message listing every bad key. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
}

/** Requires a setting a particular service cannot run without. */
export function required<K extends keyof Config>(config: Config, key: K): NonNullable<Config[K]> {
  const value = config[key];
  if (value === undefined || value === null || value === '') throw new ConfigError(`${String(key)} must be set`);
  return value as NonNullable<Config[K]>;
}

/** Describes every setting with its default, for the README and `grantline config`. */
export function describeSettings(): Array<{ name: string; description: string }> {
  return Object.entries(configSchema.shape).map(([name, schema]) => ({
    name,
    description: schema.description ?? '',
  }));
}
