import { emptyMetrics, isExpectedStatus, metricSet, RunMetrics } from './metrics';
import { SEED_OPTIONS } from './scenario';
import {
  aggregate,
  evaluateThresholds,
  parseThreshold,
  parseThresholds,
  trendPercentile,
  validateThresholds,
  type Metric,
} from './thresholds';

describe('parseThreshold', () => {
  it("reads the seed's thresholds", () => {
    expect(parseThresholds(SEED_OPTIONS.thresholds)).toEqual([
      { metric: 'http_req_duration', expression: 'p(95)<500', aggregation: 'p(95)', operator: '<', value: 500 },
      { metric: 'http_req_failed', expression: 'rate<0.02', aggregation: 'rate', operator: '<', value: 0.02 },
    ]);
  });

  it('reads other aggregations, operators and spacing', () => {
    expect(parseThreshold('m', ' p( 99.9 ) <= 25 ')).toMatchObject({
      aggregation: 'p(99.9)',
      operator: '<=',
      value: 25,
    });
    expect(parseThreshold('m', 'avg>=1.5')).toMatchObject({ aggregation: 'avg', operator: '>=', value: 1.5 });
    expect(parseThreshold('m', 'count===0')).toMatchObject({ aggregation: 'count', operator: '===', value: 0 });
  });

  it.each(['p95<500', 'p(95)', 'rate<', 'rate ~ 0.1', 'p(101)<1', 'mean<3', 'rate<0.02;'])(
    'rejects "%s"',
    (expression) => {
      expect(() => parseThreshold('m', expression)).toThrow();
    },
  );
});

describe('trendPercentile', () => {
  it("interpolates between ranks, as k6's Trend does", () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(trendPercentile(values, 50)).toBeCloseTo(5.5);
    expect(trendPercentile(values, 95)).toBeCloseTo(9.55);
    expect(trendPercentile(values, 100)).toBe(10);
    expect(trendPercentile(values, 0)).toBe(1);
    expect(trendPercentile([7], 95)).toBe(7);
    expect(trendPercentile([], 95)).toBeNaN();
  });
});

describe('evaluateThresholds', () => {
  const thresholds = parseThresholds(SEED_OPTIONS.thresholds);
  const metrics = (durations: number[], failed: number): Record<string, Metric> => ({
    http_req_duration: { type: 'trend', values: [...durations].sort((a, b) => a - b) },
    http_req_failed: { type: 'rate', trues: failed, total: durations.length },
  });
  const passes = (m: Record<string, Metric>) => evaluateThresholds(thresholds, m).map((r) => r.pass);

  it('passes a fast run with few failures', () => {
    const durations = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(passes(metrics(durations, 1))).toEqual([true, true]);
  });

  it('fails p(95)<500 when more than 5% of requests are slower', () => {
    const durations = [...Array.from({ length: 90 }, () => 10), ...Array.from({ length: 10 }, () => 600)];
    const [duration] = evaluateThresholds(thresholds, metrics(durations, 0));
    expect(duration?.pass).toBe(false);
    expect(duration?.actual).toBe(600);
  });

  it('fails rate<0.02 at exactly 2% failures', () => {
    const durations = Array.from({ length: 100 }, () => 5);
    expect(passes(metrics(durations, 2))).toEqual([true, false]);
    expect(passes(metrics(durations, 1))).toEqual([true, true]);
  });

  it('fails thresholds on metrics without samples', () => {
    const results = evaluateThresholds(thresholds, emptyMetrics());
    expect(results.map((r) => r.pass)).toEqual([false, false]);
    expect(results.every((r) => Number.isNaN(r.actual))).toBe(true);
  });

  it('compares with every operator', () => {
    const m = metrics([10, 20, 30], 0);
    const pass = (expression: string) =>
      evaluateThresholds([parseThreshold('http_req_duration', expression)], m)[0]?.pass;
    expect([
      pass('avg<20'),
      pass('avg<=20'),
      pass('avg>20'),
      pass('avg>=20'),
      pass('avg==20'),
      pass('avg!=20'),
    ]).toEqual([false, true, false, true, true, false]);
    expect([pass('min==10'), pass('max==30'), pass('med==20')]).toEqual([true, true, true]);
  });
});

describe('validateThresholds', () => {
  it("accepts the seed's and Grantline's thresholds against the collected metrics", () => {
    expect(() =>
      validateThresholds(
        [...parseThresholds(SEED_OPTIONS.thresholds), parseThreshold('http_req_duration', 'p(95)<=25')],
        emptyMetrics(),
      ),
    ).not.toThrow();
  });

  it('rejects an unknown metric or an aggregation its type lacks', () => {
    expect(() => validateThresholds([parseThreshold('http_req_waiting', 'p(95)<1')], emptyMetrics())).toThrow(
      /does not collect/,
    );
    expect(() => validateThresholds([parseThreshold('http_req_failed', 'p(95)<1')], emptyMetrics())).toThrow(
      /is a Rate/,
    );
    expect(() => validateThresholds([parseThreshold('http_req_duration', 'rate<1')], emptyMetrics())).toThrow(
      /is a Trend/,
    );
  });
});

describe('the run metrics', () => {
  it('count every request of both endpoints in http_req_duration and http_req_failed', () => {
    const run = new RunMetrics();
    run.request('token', 4, false);
    run.request('introspect', 2, false);
    run.request('token', 8, true);
    run.check('a', true);
    run.check('a', false);
    run.check('b', true);
    const { all, byEndpoint } = metricSet(run);
    expect(byEndpoint).toEqual({ token: [4, 8], introspect: [2] });
    expect(all.http_req_duration).toEqual({ type: 'trend', values: [2, 4, 8] });
    expect(all.http_req_failed).toEqual({ type: 'rate', trues: 1, total: 3 });
    expect(aggregate(all.checks ?? { type: 'rate', trues: 0, total: 0 }, 'rate')).toBeCloseTo(2 / 3);
  });

  it('treat statuses as k6 does by default: 200-399 expected, anything else (or none) failed', () => {
    expect([200, 204, 302, 399].map(isExpectedStatus)).toEqual([true, true, true, true]);
    expect([0, 199, 400, 401, 429, 500].map(isExpectedStatus)).toEqual([false, false, false, false, false, false]);
  });
});
