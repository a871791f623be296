// Unit tests run anywhere; integration and end-to-end tests get real Kafka, Redis and a
// MongoDB-protocol server from the global setup (see libs/infra).
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  moduleNameMapper: {
    // A subpath export (`@grantline/lib-events/testing`) is the module of that name in the lib's src.
    '^@grantline/lib-([^/]+)/(.+)$': '<rootDir>/libs/$1/src/$2',
    '^@grantline/lib-(.*)$': '<rootDir>/libs/$1/src',
    '^@grantline/svc-(.*)$': '<rootDir>/services/$1/src',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

module.exports = {
  testTimeout: 60_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/*.int.test.ts', '<rootDir>/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/test/jest.global-setup.ts',
      globalTeardown: '<rootDir>/test/jest.global-teardown.ts',
    },
  ],
};
