export interface InfraUrls {
  kafkaBrokers: string;
  redisUrl: string;
  mongodbUrl: string;
}

export type InfraSource = 'environment' | 'testcontainers' | 'local';

export interface ResolvedInfra {
  urls: InfraUrls;
  source: InfraSource;
  /** True when this call started the servers, so `release()` will stop them. */
  startedHere: boolean;
  release(): Promise<void>;
}

export type LogFn = (line: string) => void;

export interface LogOptions {
  log?: LogFn;
}

export const silent: LogFn = () => undefined;
