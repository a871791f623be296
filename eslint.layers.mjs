// The layers of the workspace packages, lowest first (docs/decisions/0028-layers.md). A package
// may import packages of its own layer and of the layers below; never above. A library never
// imports a service, and a service no other service: the one-process server is the composition
// root that wires the services' route factories together.
export const LAYERS = [
  {
    name: 'foundation',
    packages: { 'lib-events': 'libs/events', 'lib-config': 'libs/config', 'lib-telemetry': 'libs/telemetry' },
  },
  {
    name: 'kits',
    packages: {
      'lib-event-log': 'libs/event-log',
      'lib-projections': 'libs/projections',
      'lib-tokens': 'libs/tokens',
      'lib-http': 'libs/http',
      'lib-fetch': 'libs/fetch',
    },
  },
  { name: 'protocol', packages: { 'lib-oauth': 'libs/oauth' } },
  { name: 'runtime', packages: { 'lib-runtime': 'libs/runtime', 'lib-testing': 'libs/testing' } },
  {
    name: 'services',
    packages: {
      'svc-admin': 'services/admin',
      'svc-audit': 'services/audit',
      'svc-authorize': 'services/authorize',
      'svc-device-polling': 'services/device-polling',
      'svc-introspection': 'services/introspection',
      'svc-projector': 'services/projector',
      'svc-token': 'services/token',
    },
  },
  {
    name: 'composition',
    packages: {
      'svc-embedded': 'services/embedded',
      'lib-stack': 'libs/stack',
      'lib-edge': 'libs/edge',
      'lib-infra': 'libs/infra',
      cli: 'libs/cli',
    },
  },
];

const DECISION = 'see docs/decisions/0028-layers.md';
const entries = LAYERS.flatMap((layer, rank) =>
  Object.entries(layer.packages).map(([name, dir]) => ({ name: `@grantline/${name}`, dir, layer: layer.name, rank })),
);
const isService = (entry) => entry.name.startsWith('@grantline/svc-');

/** Why `from` may not import `to`, or undefined when it may. */
function refusal(from, to) {
  if (from.name === to.name) return undefined;
  if (!isService(from) && isService(to)) {
    return `${from.name} is a library and may not import the service ${to.name}: a library never imports a service (${DECISION}).`;
  }
  if (from.layer === 'services' && isService(to)) {
    return `${from.name} may not import the service ${to.name}: only the composition root wires services together (${DECISION}).`;
  }
  if (to.rank > from.rank) {
    return `${from.name} (${from.layer}) may not import ${to.name} (${to.layer}): an upward import (${DECISION}).`;
  }
  return undefined;
}

/**
 * Event fixtures are for tests: a production module that reaches them fails the lint. Part of the
 * same rule as the layers, since a later no-restricted-imports block would replace an earlier one.
 */
const FIXTURES = 'Test fixtures stay out of production code.';
const fixtureRestrictions = {
  paths: [{ name: '@grantline/lib-events/testing', message: FIXTURES }],
  patterns: [{ group: ['**/sample-events'], message: FIXTURES }],
};
/** The modules whose purpose is to hand fixtures to tests. */
const FIXTURE_HOMES = ['libs/events/src/testing.ts'];

/** Deep enough for every folder under a package's src (the deepest is one level today). */
const MAX_DEPTH = 4;

/**
 * One no-restricted-imports block per package and folder depth: the packages it may not import,
 * and relative paths that climb out of its src (which would dodge the package rule).
 */
export function layerRules() {
  return entries.flatMap((from) => {
    const upward = entries
      .map((to) => ({ to, message: refusal(from, to) }))
      .filter(({ message }) => message !== undefined)
      .map(({ to, message }) => ({ group: [to.name, `${to.name}/*`], message }));
    return Array.from({ length: MAX_DEPTH }, (_, depth) => ({
      files: [`${from.dir}/src/${'*/'.repeat(depth)}*.ts`],
      ignores: ['**/*.test.ts', ...FIXTURE_HOMES],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            paths: from.name === '@grantline/lib-testing' ? [] : fixtureRestrictions.paths,
            patterns: [
              ...(from.name === '@grantline/lib-testing' ? [] : fixtureRestrictions.patterns),
              ...upward,
              {
                regex: `^(\\.\\./){${depth + 1},}`,
                message: `A module of ${from.name} imports through its package's public name, never a path out of src (${DECISION}).`,
              },
            ],
          },
        ],
      },
    }));
  });
}

/** Tests may use fixtures from any layer, but a library's tests no service. */
export function testRules() {
  return entries
    .filter((from) => !isService(from))
    .map((from) => ({
      files: [`${from.dir}/src/**/*.test.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: ['@grantline/svc-*'],
                message: `${from.name} is a library; its tests may not import a service (${DECISION}).`,
              },
            ],
          },
        ],
      },
    }));
}
