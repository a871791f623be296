/**
 * The value of the one sample of `name` in a Prometheus text exposition whose labels include
 * `labels` (exporters add labels of their own, such as the scope); undefined when there is none.
 */
export function prometheusSample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const values = text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => wanted.every((label) => line.includes(label)))
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
  if (values.length > 1) throw new Error(`${values.length} samples of ${name} match ${wanted.join(',')}`);
  return values[0];
}
