import { describe, expect, it } from '@jest/globals';
import { cells, EMBEDDED, HEADER, markdownTable, ratio, STACK, type Row } from './table';
import { cpuBusyMicros } from '../process-cpu';

function row(server: string, scenario: string, requestsPerSecond: number, cpuMicrosPerRequest: number): Row {
  return {
    server,
    scenario,
    requestsPerSecond,
    p50: 1,
    p90: 2,
    p99: 3,
    cpuMicrosPerRequest,
    errors: 0,
    errorDetail: '',
  };
}

describe('ratio', () => {
  it('divides ours by theirs', () => {
    expect(ratio(3000, 1000)).toBe('3.00×');
    expect(ratio(50, 200)).toBe('0.25×');
  });

  it('is a dash when a side is missing, zero or not finite', () => {
    expect(ratio(undefined, 10)).toBe('—');
    expect(ratio(10, 0)).toBe('—');
    expect(ratio(Number.NaN, 10)).toBe('—');
  });
});

describe('cells', () => {
  const rows = [
    row(EMBEDDED, 'issue', 4000, 200),
    row(STACK, 'issue', 2000, 500),
    row('hydra', 'issue', 1000, 1000),
    row('hydra', 'introspect', 500, 100),
  ];

  it('compares both Grantline modes with each peer in the same scenario', () => {
    const hydraIssue = cells(rows)[2];
    expect(hydraIssue?.slice(-4)).toEqual(['4.00×', '0.20×', '2.00×', '0.50×']);
  });

  it('leaves a server’s ratio to itself, and scenarios Grantline lacks, empty', () => {
    const [embedded, stack, , hydraIntrospect] = cells(rows);
    expect(embedded?.slice(-4)).toEqual(['—', '—', '0.50×', '2.50×']);
    expect(stack?.slice(-4)).toEqual(['2.00×', '0.40×', '—', '—']);
    expect(hydraIntrospect?.slice(-4)).toEqual(['—', '—', '—', '—']);
  });

  it('spells out errors', () => {
    const failing = { ...row('keycloak', 'issue', 10, 10), errors: 3, errorDetail: '3 non-2xx' };
    expect(cells([failing])[0]?.[7]).toBe('3 (3 non-2xx)');
    expect(cells([failing])[0]).toHaveLength(HEADER.length);
  });
});

describe('markdownTable', () => {
  it('pads columns, right-aligns numbers and escapes pipes', () => {
    const text = markdownTable(['server', 'scenario', 'req/s'], [['a|b', 'x', '12']]);
    expect(text.split('\n')).toEqual([
      '| server | scenario | req/s |',
      '| ------ | -------- | ----: |',
      '| a\\|b   | x        |    12 |',
    ]);
  });
});

describe('cpuBusyMicros', () => {
  it('counts everything on the CPU’s line except idle, iowait and the guest fields', () => {
    const stat = ['cpu  9 9 9 9 9 9 9 9 9 9', 'cpu0 100 10 50 1000 200 5 5 0 7 7', 'cpu1 1 1 1 1 1 1 1 1 1 1'].join(
      '\n',
    );
    const oneTick = cpuBusyMicros(0, 'cpu0 1 0 0 0 0 0 0 0 0 0');
    expect(cpuBusyMicros(0, stat) / oneTick).toBeCloseTo(100 + 10 + 50 + 5 + 5);
  });

  it('refuses a CPU that is not there', () => {
    expect(() => cpuBusyMicros(7, 'cpu0 1 1 1 1 1 1 1 1 1 1')).toThrow('cpu7');
  });
});
