// k6 threshold expressions ("p(95)<500", "rate<0.02", ...) and their evaluation against the run's metrics.

/** A Trend holds every sample (e.g. request durations in ms), a Rate counts how many samples were non-zero. */
export type Metric = { type: 'trend'; values: readonly number[] } | { type: 'rate'; trues: number; total: number };

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface Threshold {
  metric: string;
  /** The expression as written, e.g. "p(95)<500". */
  expression: string;
  /** "avg", "min", "max", "med", "p(95)", "rate", ... */
  aggregation: string;
  operator: Operator;
  value: number;
}

export interface ThresholdResult {
  threshold: Threshold;
  /** The aggregated value; NaN when the metric has no samples. */
  actual: number;
  pass: boolean;
}

const TREND_AGGREGATIONS = /^(avg|min|max|med|p\((\d+(?:\.\d+)?)\))$/;

export function parseThreshold(metric: string, expression: string): Threshold {
  const match =
    /^\s*(avg|min|max|med|count|rate|value|p\(\s*\d+(?:\.\d+)?\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(
      expression,
    );
  if (!match) {
    throw new Error(`"${expression}" (${metric}) is not a threshold such as p(95)<500 or rate<0.02`);
  }
  const aggregation = (match[1] ?? '').replace(/\s+/g, '');
  const percentile = /^p\((.*)\)$/.exec(aggregation)?.[1];
  if (percentile !== undefined && Number(percentile) > 100) {
    throw new Error(`"${expression}" (${metric}): a percentile is at most 100`);
  }
  return { metric, expression, aggregation, operator: match[2] as Operator, value: Number(match[3]) };
}

export function parseThresholds(thresholds: Record<string, readonly string[]>): Threshold[] {
  return Object.entries(thresholds).flatMap(([metric, expressions]) =>
    expressions.map((expression) => parseThreshold(metric, expression)),
  );
}

/**
 * The p-th percentile of ascending values as k6 computes it for a Trend: linear interpolation between the
 * two closest ranks, at position p/100 * (n - 1).
 */
export function trendPercentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (p / 100) * (sorted.length - 1);
  const below = sorted[Math.floor(position)] ?? Number.NaN;
  const above = sorted[Math.ceil(position)] ?? Number.NaN;
  return below + (above - below) * (position - Math.floor(position));
}

/** The aggregation of a metric; throws when the aggregation does not exist for the metric's type, as k6 does. */
export function aggregate(metric: Metric, aggregation: string, name = 'the metric'): number {
  if (metric.type === 'rate') {
    if (aggregation !== 'rate') throw new Error(`${name} is a Rate, which has only "rate", not "${aggregation}"`);
    return metric.total === 0 ? Number.NaN : metric.trues / metric.total;
  }
  const trend = TREND_AGGREGATIONS.exec(aggregation);
  if (!trend) throw new Error(`${name} is a Trend, which has avg, min, max, med and p(N), not "${aggregation}"`);
  const values = metric.values;
  if (values.length === 0) return Number.NaN;
  switch (trend[1]) {
    case 'avg':
      return values.reduce((sum, v) => sum + v, 0) / values.length;
    case 'min':
      return values[0] ?? Number.NaN;
    case 'max':
      return values[values.length - 1] ?? Number.NaN;
    case 'med':
      return trendPercentile(values, 50);
    default:
      return trendPercentile(values, Number(trend[2]));
  }
}

function compare(actual: number, operator: Operator, value: number): boolean {
  switch (operator) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
    case '===':
      return actual === value;
    case '!=':
      return actual !== value;
  }
}

/** Throws, before any load is generated, when a threshold names an unknown metric or a wrong aggregation. */
export function validateThresholds(thresholds: readonly Threshold[], metrics: Record<string, Metric>): void {
  for (const threshold of thresholds) {
    const metric = metrics[threshold.metric];
    if (!metric) {
      throw new Error(
        `threshold "${threshold.expression}" is on ${threshold.metric}, a metric this driver does not collect`,
      );
    }
    aggregate(metric, threshold.aggregation, threshold.metric);
  }
}

/**
 * Whether each threshold holds. Trend values must be sorted ascending. A metric without samples fails its
 * thresholds: a run that measured nothing has shown nothing.
 */
export function evaluateThresholds(
  thresholds: readonly Threshold[],
  metrics: Record<string, Metric>,
): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const metric = metrics[threshold.metric];
    if (!metric) throw new Error(`no metric ${threshold.metric} for threshold "${threshold.expression}"`);
    const actual = aggregate(metric, threshold.aggregation, threshold.metric);
    return { threshold, actual, pass: Number.isFinite(actual) && compare(actual, threshold.operator, threshold.value) };
  });
}
