export * from './remote-fetcher';
