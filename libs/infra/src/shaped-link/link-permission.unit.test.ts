import { namespaceRefusal } from './link-permission';

describe('who may open a shaped link', () => {
  it('lets root on Linux try', () => {
    expect(namespaceRefusal('linux', 0)).toBeUndefined();
  });

  it.each([
    ['a user without root', 'linux', 1000, /needs root .*uid 1000/],
    ['another system', 'darwin', 0, /needs Linux network namespaces; this is darwin/],
  ] as const)('tells %s why not', (_name, platform, uid, reason) => {
    expect(namespaceRefusal(platform, uid)).toMatch(reason);
  });
});
