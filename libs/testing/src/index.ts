export * from './oauth-fixture';
export * from './client-fixtures';
