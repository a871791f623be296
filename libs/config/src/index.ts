export { configSchema, type Config } from './schema';
export { loadConfig, required, describeSettings, ConfigError } from './load-config';
export { shutdownSettings } from './shutdown-settings';
