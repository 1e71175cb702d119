/**
 * Shared by the monitoring suites: where Debian's Prometheus tools are, the skip rule, the shipped files
 * (docs/monitoring/), and the metric names a PromQL expression uses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MONITORING_DIR = join(import.meta.dirname, '..', '..', 'docs', 'monitoring');
export const PROMETHEUS_YML = join(MONITORING_DIR, 'prometheus.yml');
export const ALERTS_YML = join(MONITORING_DIR, 'alerts.yml');
export const ALERTS_TEST_YML = join(MONITORING_DIR, 'alerts.test.yml');
export const DASHBOARD_JSON = join(MONITORING_DIR, 'grafana-dashboard.json');

/** Debian's `prometheus` package (scripts/prereqs.sh installs it as root). */
export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const PROMTOOL_BIN = '/usr/bin/promtool';

/**
 * Why a suite needing `tools` cannot run, or undefined. As root scripts/prereqs.sh installs them, so a
 * missing tool there is a setup bug and fails the suite instead of skipping it.
 */
export function prometheusSkipReason(tools: readonly string[]): string | undefined {
  const missing = tools.filter((t) => !existsSync(t));
  if (missing.length === 0) return undefined;
  const reason = `needs ${missing.join(', ')} (Debian package prometheus; scripts/prereqs.sh installs it as root)`;
  if (process.getuid?.() === 0)
    throw new Error(`monitoring suite cannot run as root without its tools: ${reason}`);
  process.stderr.write(`[monitoring] skipped: ${reason}\n`);
  return reason;
}

/** Series Prometheus adds to every target itself (never in an exposition). */
export const SYNTHETIC_SERIES = new Set([
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
]);

const PROMQL_WORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'inf',
  'nan',
]);

/** The metric names an expression reads (functions, keywords, labels, strings and durations removed). */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\$\{?\w+\}?/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w:.])([A-Za-z_:][\w:]*)(?![\w:]|\s*\()/g)) {
    const name = m[1]!;
    if (!PROMQL_WORDS.has(name.toLowerCase())) names.add(name);
  }
  return [...names];
}

/** The sample names of an exposition text (`_bucket`, `_sum`, `_count` as served). */
export function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_:][\w:]*)[{ ]/.exec(line);
    if (m) names.add(m[1]!);
  }
  return names;
}

export interface DashboardQuery {
  panel: string;
  expr: string;
}

interface Dashboard {
  panels: { type: string; title: string; targets?: { expr?: string }[] }[];
}

export function dashboardQueries(): DashboardQuery[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_JSON, 'utf8')) as Dashboard;
  return dashboard.panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr ?? '' })),
  );
}

/** Each rule's `expr` in alerts.yml, single-line or folded (`expr: >-` and its more-indented lines). */
export function alertExpressions(): { alert: string; expr: string }[] {
  const lines = readFileSync(ALERTS_YML, 'utf8').split('\n');
  const out: { alert: string; expr: string }[] = [];
  let alert = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const name = /^\s*- alert:\s*(\S+)/.exec(line);
    if (name) alert = name[1]!;
    const expr = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (!expr) continue;
    if (expr[2] !== '>-' && expr[2] !== '|') {
      out.push({ alert, expr: expr[2]! });
      continue;
    }
    const indent = expr[1]!.length;
    const body: string[] = [];
    while (
      i + 1 < lines.length &&
      (lines[i + 1]!.trim() === '' || /^\s*/.exec(lines[i + 1]!)![0].length > indent)
    )
      body.push(lines[++i]!.trim());
    out.push({ alert, expr: body.join(' ').trim() });
  }
  return out;
}

/** A dashboard expression as Grafana would send it with every farm selected. */
export function withGrafanaVariables(expr: string, rateInterval = '1m'): string {
  return expr.replaceAll('$__rate_interval', rateInterval).replaceAll('$farm', '.*');
}
