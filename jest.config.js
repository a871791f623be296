// Five lanes, chosen by where a test lives and its suffix; each lane runs alone with
// `jest --selectProjects <lane>` and `npm test` runs them one after another (test/run-lanes.mjs).
// Unit tests need nothing, the fault suite starts its own servers; the other lanes get real Kafka, Redis and a MongoDB-protocol server
// from the global setup (see libs/infra).
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
    // oauth4webapi, the client library of the resource-indicator tests, and openid-client (with the
    // jose it brings) of the OpenID Connect tests ship ES modules only.
    '/node_modules/(oauth4webapi|openid-client)/.+\\.js$': [
      '@swc/jest',
      { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [
    '^(?!.*/node_modules/openid-client/node_modules/).*/node_modules/(?!(oauth4webapi|openid-client)/)',
  ],
  moduleNameMapper: {
    // A subpath export (`@grantline/lib-events/testing`) is the module of that name in the lib's src.
    '^@grantline/lib-([^/]+)/(.+)$': '<rootDir>/libs/$1/src/$2',
    '^@grantline/lib-(.*)$': '<rootDir>/libs/$1/src',
    '^@grantline/svc-(.*)$': '<rootDir>/services/$1/src',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

const withServers = {
  ...shared,
  globalSetup: '<rootDir>/test/jest.global-setup.ts',
  globalTeardown: '<rootDir>/test/jest.global-teardown.ts',
};

/** Integration and end-to-end tests under the given folders. */
const serverTestsUnder = (...folders) =>
  folders.flatMap((folder) => [`<rootDir>/${folder}/**/*.int.test.ts`, `<rootDir>/${folder}/**/*.e2e.test.ts`]);

module.exports = {
  testTimeout: 60_000,
  projects: [
    // Pure logic beside the code, deploy checks that only read files included.
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.test.ts'] },
    // One process at a time: the embedded server over HTTP, and each adapter against its real server.
    {
      ...withServers,
      displayName: 'component',
      testMatch: serverTestsUnder('test/adapters', 'test/embedded', 'test/fuzz', 'libs', 'services', 'examples'),
    },
    // Every service as its own process behind nginx (test/stack/stack-fixture.ts), the seed's
    // clients and the browser flows against it.
    { ...withServers, displayName: 'stack', testMatch: serverTestsUnder('test/stack', 'test/seed', 'test/browser') },
    // The Helm chart and the container image.
    { ...withServers, displayName: 'deploy', testMatch: serverTestsUnder('test/deploy') },
    // The fault suite (`npm run faults`) as one test: it starts Kafka, Redis and FerretDB of its own,
    // since it kills and restores them, so it needs none from the global setup.
    { ...shared, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.e2e.test.ts'] },
  ],
};
