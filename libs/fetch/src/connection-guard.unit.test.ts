import type { LookupAddress, LookupOptions } from 'node:dns';
import { hostAllowList } from './allowed-hosts';
import { ConnectionGuard } from './connection-guard';

const answers: Record<string, string[]> = {
  'dual.example': ['2606:4700::1111', '93.184.215.14'],
  'loopback.example': ['127.0.0.1'],
  'mixed.example': ['93.184.215.14', '10.0.0.1'],
  'dev.test': ['127.0.0.1', '::1'],
};
const guard = new ConnectionGuard(hostAllowList(['*.test']), async (name) =>
  (answers[name] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
);

function lookup(hostname: string, options: LookupOptions): Promise<unknown> {
  return new Promise((resolve) => {
    guard.lookup(hostname, options, (error, address, family) =>
      resolve(error ? { reason: (error as { reason?: string }).reason } : { address, family }),
    );
  });
}

describe('ConnectionGuard.lookup, the resolution every connection makes', () => {
  it('answers the permitted addresses, all or the first of a family', async () => {
    expect(await lookup('dual.example', { all: true })).toEqual({
      address: [
        { address: '2606:4700::1111', family: 6 },
        { address: '93.184.215.14', family: 4 },
      ] satisfies LookupAddress[],
      family: undefined,
    });
    expect(await lookup('dual.example', {})).toEqual({ address: '2606:4700::1111', family: 6 });
    expect(await lookup('dual.example', { family: 4 })).toEqual({ address: '93.184.215.14', family: 4 });
    expect(await lookup('dual.example', { family: 'IPv4' })).toEqual({ address: '93.184.215.14', family: 4 });
  });

  it.each(['loopback.example', 'mixed.example', 'unknown.example'])('refuses %s', async (name) => {
    expect(await lookup(name, { all: true })).toEqual({ reason: 'refused-address' });
  });

  it('answers loopback for an allowed host', async () => {
    expect(await lookup('dev.test', { family: 6 })).toEqual({ address: '::1', family: 6 });
  });

  it('permits by the host it connects for and the address reached', () => {
    expect(guard.permits('client.example', '93.184.215.14')).toBe(true);
    expect(guard.permits('client.example', '::ffff:127.0.0.1')).toBe(false);
    expect(guard.permits('[::1]', '::1')).toBe(false);
    expect(guard.permits('a.dev.test', '::1')).toBe(true);
  });
});
