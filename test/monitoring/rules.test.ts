/**
 * The shipped monitoring files (docs/monitoring/): Prometheus accepts the config and the rules, the rules'
 * unit tests pass, and the alerts and the Grafana dashboard read only series that a real gateway and
 * registry serve (scraped here from in-process ones), so a renamed metric breaks this test, not a pager.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RegistryHandle } from '../../registry/server.ts';
import {
  call as gatewayCall,
  identity,
  people,
  startTestGateway,
  type TestGateway,
} from '../gateway/helpers.ts';
import { call as registryCall, fakeWhois, tempDir } from '../discovery/helpers.ts';
import {
  ALERTS_TEST_YML,
  ALERTS_YML,
  DASHBOARD_JSON,
  PROMETHEUS_YML,
  PROMTOOL_BIN,
  SYNTHETIC_SERIES,
  alertExpressions,
  dashboardQueries,
  exposedNames,
  metricNamesIn,
  prometheusSkipReason,
} from './support.ts';

const skip = prometheusSkipReason([PROMTOOL_BIN]);

function promtool(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(PROMTOOL_BIN, args, { timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) || 1 : 0, out: stdout + stderr }),
    );
  });
}

describe.skipIf(skip !== undefined)(`shipped Prometheus files${skip ? ` — skipped: ${skip}` : ''}`, () => {
  it('promtool accepts the scrape config (with its rule file) and the alerting rules', async () => {
    const config = await promtool('check', 'config', PROMETHEUS_YML);
    expect(config.out).toContain('is valid prometheus config file syntax');
    expect(config.out).toMatch(/SUCCESS: \d+ rules found/);
    expect(config.code).toBe(0);
    const rules = await promtool('check', 'rules', ALERTS_YML);
    expect(rules.code, rules.out).toBe(0);
    expect(Number(/SUCCESS: (\d+) rules found/.exec(rules.out)?.[1])).toBe(alertExpressions().length);
  });

  it('the alerting rules pass their promtool unit tests', async () => {
    const r = await promtool('test', 'rules', ALERTS_TEST_YML);
    expect(r.out).toContain('SUCCESS');
    expect(r.code, r.out).toBe(0);
  });

  it('every alert has a unit test that expects it to fire', () => {
    const tests = readFileSync(ALERTS_TEST_YML, 'utf8');
    for (const { alert } of alertExpressions()) {
      const firing = new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels`);
      expect(tests, `${alert} is never expected to fire`).toMatch(firing);
    }
  });
});

describe('shipped alerts and dashboard against the series a gateway and a registry serve', () => {
  const MONITOR = '127.0.0.5';
  const monitor = identity(MONITOR, {
    user: 'tagged-devices',
    nodeName: 'prometheus',
    tags: ['tag:monitoring'],
  });
  let gw: TestGateway;
  let registry: RegistryHandle;
  const dir = tempDir();
  let served = new Set<string>();

  beforeAll(async () => {
    gw = await startTestGateway({
      resolveIdentity: async (a) => (a === MONITOR ? monitor : (people[a] ?? null)),
    });
    registry = await startRegistry({
      listen: '127.0.0.1:0',
      dbFile: join(dir.path, 'registry.db'),
      resolveIdentity: fakeWhois([{ ...monitor, address: '100.0.0.5' }]).resolve,
    });
    // Scraped twice, as Prometheus does: the request series appear once a first request has been served.
    await gatewayCall(gw.url, 'GET', '/metrics', { from: MONITOR });
    await registryCall(registry.url, '/metrics', { from: MONITOR });
    const g = await gatewayCall(gw.url, 'GET', '/metrics', { from: MONITOR });
    const r = await registryCall(registry.url, '/metrics', { from: MONITOR });
    expect([g.status, r.status]).toEqual([200, 200]);
    served = new Set([...exposedNames(g.text), ...exposedNames(r.text), ...SYNTHETIC_SERIES]);
  });
  afterAll(async () => {
    await gw?.dispose();
    await registry?.dispose();
    dir.dispose();
  });

  it('every alert reads only served series', () => {
    const alerts = alertExpressions();
    expect(alerts.length).toBeGreaterThanOrEqual(10);
    for (const { alert, expr } of alerts) {
      const names = metricNamesIn(expr);
      expect(names.length, `${alert}: no metric in "${expr}"`).toBeGreaterThan(0);
      for (const n of names) expect(served, `${alert} reads ${n}, which nothing serves`).toContain(n);
    }
  });

  it('the Grafana dashboard parses, picks its Prometheus from a variable, and every panel reads served series', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD_JSON, 'utf8')) as {
      uid: string;
      templating: { list: { name: string; type: string; query: unknown }[] };
      panels: {
        id: number;
        type: string;
        title: string;
        datasource?: { uid: string };
        targets?: unknown[];
      }[];
    };
    expect(dashboard.uid).toBe('agromesh-fleet');
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels.filter((x) => x.type !== 'row')) {
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      expect(p.targets?.length, `${p.title} has no query`).toBeGreaterThan(0);
    }
    const queries = dashboardQueries();
    const read = new Set<string>();
    for (const { panel, expr } of queries) {
      const names = metricNamesIn(expr);
      expect(names.length, `${panel}: no metric in "${expr}"`).toBeGreaterThan(0);
      for (const n of names) {
        expect(served, `panel "${panel}" reads ${n}, which nothing serves`).toContain(n);
        read.add(n);
      }
    }
    // The panels the fleet operator asked for, by the series they stand on.
    for (const n of [
      'agromesh_gateway_readings_ingested_total',
      'agromesh_gateway_readings_rejected_total',
      'agromesh_gateway_sensor_last_reading_age_seconds',
      'agromesh_gateway_commands',
      'agromesh_gateway_stream_clients',
      'agromesh_http_request_duration_seconds_bucket',
      'agromesh_gateway_heartbeats_total',
      'agromesh_registry_heartbeats_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ])
      expect(read, `no panel shows ${n}`).toContain(n);
  });

  it('the name check itself catches a misspelt series', () => {
    expect(
      metricNamesIn('sum by (farm_id) (rate(agromesh_gateway_readings_ingest_total{job="x"}[5m]))'),
    ).toEqual(['agromesh_gateway_readings_ingest_total']);
    expect(served).not.toContain('agromesh_gateway_readings_ingest_total');
  });
});
