export * from './oauth-fixture';
