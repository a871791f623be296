import {
  addPortsScript,
  droppedPackets,
  linkPlan,
  lossRules,
  namespaceName,
  namespaceRuleset,
  ownerOf,
  SUBNET_COUNT,
} from './link-plan';
import { linkShapeOf } from './link-shape';

describe('link names and addresses', () => {
  it('names the namespace after its creator, so a sweep can tell a dead one', () => {
    expect(namespaceName(4242, 3)).toBe('grantline-link-4242-3');
    expect(ownerOf(namespaceName(4242, 3))).toBe(4242);
    expect(ownerOf('grantline-link-x-1')).toBeUndefined();
    expect(ownerOf('other-4242-1')).toBeUndefined();
  });

  it.each([
    [0, 'glh0', 'gln0', '10.231.0.1', '10.231.0.2'],
    [1, 'glh1', 'gln1', '10.231.0.5', '10.231.0.6'],
    [64, 'glh64', 'gln64', '10.231.1.1', '10.231.1.2'],
    [SUBNET_COUNT - 1, 'glh16383', 'gln16383', '10.231.255.253', '10.231.255.254'],
  ])('gives subnet %i its own devices and /30', (index, hostDevice, innerDevice, hostAddress, innerAddress) => {
    expect(linkPlan('ns', index)).toEqual({ namespace: 'ns', hostDevice, innerDevice, hostAddress, innerAddress });
  });

  it('keeps device names within the 15 bytes Linux allows', () => {
    const plan = linkPlan('ns', SUBNET_COUNT - 1);
    expect(plan.hostDevice.length).toBeLessThanOrEqual(15);
    expect(plan.innerDevice.length).toBeLessThanOrEqual(15);
  });

  it.each([-1, SUBNET_COUNT, 1.5])('refuses subnet index %p', (index) => {
    expect(() => linkPlan('ns', index)).toThrow(RangeError);
  });
});

describe('namespace rules', () => {
  const plan = linkPlan('ns', 1);

  it('sends forwarded loopback ports to the host end and takes the host in at the namespace loopback', () => {
    const rules = namespaceRuleset(plan);
    expect(rules).toContain('chain loss_to_host { type filter hook postrouting priority 0; }');
    expect(rules).toContain('ip daddr 127.0.0.1 tcp dport @forwarded dnat to 10.231.0.5;');
    expect(rules).toContain('iifname "gln1" ip daddr 10.231.0.6 dnat to 127.0.0.1;');
    expect(rules).toContain('oifname "gln1" masquerade;');
  });

  it('adds ports to a set, refusing anything that is not a TCP port', () => {
    expect(addPortsScript('shaped', [9092, 9093])).toBe('add element ip grantline_link shaped { 9092, 9093 }\n');
    expect(addPortsScript('forwarded', [])).toBe('');
    expect(() => addPortsScript('forwarded', [0])).toThrow(RangeError);
    expect(() => addPortsScript('forwarded', [65_536])).toThrow(RangeError);
  });

  it('drops the given share of shaped packets in both directions', () => {
    const rules = lossRules(plan, linkShapeOf({ delayMs: 0, lossPercent: 7.5 }));
    expect(rules).toContain('flush chain ip grantline_link loss_to_host');
    expect(rules).toContain(
      'loss_to_host oifname "gln1" ip daddr 10.231.0.5 tcp dport @shaped numgen random mod 10000 < 750',
    );
    expect(rules).toContain(
      'loss_from_host iifname "gln1" ip saddr 10.231.0.5 tcp sport @shaped numgen random mod 10000 < 750',
    );
  });

  it('drops every shaped packet at 100 %', () => {
    const rules = lossRules(plan, linkShapeOf({ delayMs: 0, lossPercent: 100 }));
    expect(rules).toContain('tcp dport @shaped counter drop');
    expect(rules).not.toContain('numgen');
  });

  it('only flushes when there is no loss', () => {
    expect(lossRules(plan, linkShapeOf({ delayMs: 100 }))).not.toContain('add rule');
  });

  it("counts the loss rules' dropped packets and nothing else", () => {
    const rule = (chain: string, packets: number) => ({
      rule: { chain, expr: [{ match: {} }, { counter: { packets, bytes: packets * 60 } }, { drop: null }] },
    });
    const listing = JSON.stringify({
      nftables: [{ metainfo: {} }, rule('loss_to_host', 3), rule('loss_from_host', 4), rule('to_host', 100)],
    });
    expect(droppedPackets(listing)).toEqual({ toHost: 3, fromHost: 4 });
    expect(droppedPackets(JSON.stringify({ nftables: [] }))).toEqual({ toHost: 0, fromHost: 0 });
  });
});
