export * from './remote-fetcher';
export { isPublicAddress } from './address-policy';
export { hostAllowList, type HostAllowList } from './allowed-hosts';
export { cacheLifetimeSeconds, type CacheHeaders } from './cache-lifetime';
export { type Resolver } from './connection-guard';
export { createGuardedFetcher, type GuardedFetcher, type GuardedFetcherSettings } from './guarded-fetcher';
