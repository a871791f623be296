import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { METRICS, prometheusSeries } from '@grantline/lib-telemetry';

const dir = join(__dirname, '..', '..', 'deploy', 'observability');
const rulesSchema = z.object({
  groups: z
    .array(
      z.object({
        name: z.string().min(1),
        rules: z
          .array(
            z
              .object({
                alert: z.string().regex(/^Grantline[A-Za-z]+$/),
                expr: z.string().min(1),
                for: z
                  .string()
                  .regex(/^\d+[smh]$/)
                  .optional(),
                labels: z.object({ severity: z.enum(['critical', 'warning', 'info']) }),
                annotations: z.object({ summary: z.string().min(1), description: z.string().optional() }),
              })
              .strict(),
          )
          .min(1),
      }),
    )
    .min(1),
});
const dashboardSchema = z.object({
  uid: z.string(),
  panels: z.array(
    z.object({
      id: z.number(),
      title: z.string().min(1),
      targets: z.array(
        z.object({ expr: z.string().min(1), datasource: z.object({ uid: z.literal('${datasource}') }) }),
      ),
    }),
  ),
});

const rules = rulesSchema.parse(parse(readFileSync(join(dir, 'prometheus-rules.yaml'), 'utf8')));
const dashboard = dashboardSchema.parse(JSON.parse(readFileSync(join(dir, 'grafana-dashboard.json'), 'utf8')));
const exported = new Set(Object.values(METRICS).flatMap(prometheusSeries));
/** Series names an expression reads: ours are prefixed grantline_ or named by the HTTP conventions. */
const seriesIn = (expr: string) => expr.match(/\b(?:grantline_|http_server_|messaging_client_)[a-z_]+\b/g) ?? [];
const ruleExprs = rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr));
const panelExprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));

describe('deploy/observability', () => {
  it('alerts and dashboard read only metrics the services export', () => {
    const unknown = [...ruleExprs, ...panelExprs].flatMap(seriesIn).filter((series) => !exported.has(series));
    expect(unknown).toEqual([]);
  });

  it('the dashboard shows every exported metric', () => {
    const shown = new Set(panelExprs.flatMap(seriesIn));
    const missing = Object.values(METRICS).filter((metric) => !prometheusSeries(metric).some((s) => shown.has(s)));
    expect(missing).toEqual([]);
  });

  it('names every alert once and every panel by a distinct id', () => {
    const alerts = rules.groups.flatMap((group) => group.rules.map((rule) => rule.alert));
    expect(new Set(alerts).size).toBe(alerts.length);
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
