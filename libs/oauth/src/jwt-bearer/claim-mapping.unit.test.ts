import { trustedIssuerSchema } from './trusted-issuers';
import { claimAt, mapIdentity, subjectAllowed } from './claim-mapping';

const payload = {
  sub: 'system:serviceaccount:payments:checkout',
  'kubernetes.io': { namespace: 'payments', serviceaccount: { name: 'checkout' }, 'a/b': 'slash', 'c~d': 'tilde' },
  replicas: 3,
  groups: ['a', 'b'],
};

describe('claim mapping', () => {
  it.each<[string, unknown]>([
    ['sub', payload.sub],
    ['/kubernetes.io/namespace', 'payments'],
    ['/kubernetes.io/serviceaccount/name', 'checkout'],
    ['/kubernetes.io/a~1b', 'slash'],
    ['/kubernetes.io/c~0d', 'tilde'],
    ['/kubernetes.io/missing', undefined],
    ['/groups/0', undefined],
    ['/sub/length', undefined],
  ])('reads %s as RFC 6901 says, without walking into lists or strings', (pointer, value) => {
    expect(claimAt(payload, pointer)).toEqual(value);
  });

  it('copies scalar claims as strings and leaves out objects, lists and absent claims', () => {
    const entry = trustedIssuerSchema.parse({
      issuer: 'https://cluster.test',
      jwks_uri: 'https://cluster.test/jwks',
      client_id: 'workloads',
      claims: {
        namespace: '/kubernetes.io/namespace',
        replicas: '/replicas',
        groups: '/groups',
        pod: '/kubernetes.io/pod',
      },
    });
    expect(mapIdentity(payload, entry)).toEqual({
      subject: payload.sub,
      claims: { namespace: 'payments', replicas: '3' },
    });
    expect(mapIdentity({ ...payload, sub: undefined, user: 42 }, { ...entry, subject_claim: 'user' })).toBeUndefined();
    expect(mapIdentity({ ...payload, sub: 'x'.repeat(256) }, entry)).toBeUndefined();
  });

  it.each<[string, string[] | undefined, boolean]>([
    ['system:serviceaccount:payments:checkout', undefined, true],
    ['system:serviceaccount:payments:checkout', ['system:serviceaccount:payments:*'], true],
    ['system:serviceaccount:payments-other:x', ['system:serviceaccount:payments:*'], false],
    ['system:serviceaccount:payments:checkout', ['system:serviceaccount:payments:checkout'], true],
    ['system:serviceaccount:payments:checkout2', ['system:serviceaccount:payments:checkout'], false],
  ])('allows %s under %j: %s', (subject, patterns, allowed) => {
    expect(subjectAllowed(subject, patterns)).toBe(allowed);
  });
});
