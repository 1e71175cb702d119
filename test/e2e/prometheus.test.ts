/**
 * A real Prometheus (Debian's) scraping the demo world as a fleet's would: the farms come from the file
 * `agromesh farms --prometheus-sd` writes, the registry is a static target, the alerting rules and the
 * dashboard queries are the shipped ones (docs/monitoring/). Prometheus cannot choose its source address, so
 * its scrapes go through a tiny forward proxy that connects from the loopback alias of a node tagged
 * tag:monitoring — who-is then says tag:monitoring, as it would for Prometheus on that node of a tailnet.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandList, FARM_HTTP_PORT } from '../../protocol/farm-api.ts';
import { REGISTRY_HTTP_PORT } from '../../protocol/discovery-api.ts';
import { MONITORING_TAG } from '../../protocol/device.ts';
import { main } from '../../main/cli/index.ts';
import type { CliIO } from '../../main/cli/io.ts';
import { DEMO_FARMS, type DemoWorld, startDemoWorld } from '../../sim/demo-world.ts';
import { simLoopbackFor } from '../../sim/tailnet/index.ts';
import { waitFor } from '../support/wait-for.ts';
import {
  ALERTS_YML,
  PROMETHEUS_BIN,
  PROMETHEUS_YML,
  alertExpressions,
  dashboardQueries,
  prometheusSkipReason,
  withGrafanaVariables,
} from '../monitoring/support.ts';

const skip = prometheusSkipReason([PROMETHEUS_BIN]);
const FARMS = DEMO_FARMS.slice(0, 3);

interface Reply {
  status: number;
  text: string;
}

/** One HTTP GET or POST from a chosen source address (who-is names the node of that loopback alias). */
function http(host: string, port: number, path: string, from: string, body?: unknown): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        path,
        method: payload === undefined ? 'GET' : 'POST',
        localAddress: from,
        agent: false,
        timeout: 10_000,
        headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.end(payload);
  });
}

/** The value of one series in exposition text (`name{labels} value`), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/**
 * A forward HTTP proxy for Prometheus' `proxy_url`: absolute-form requests to simulated tailnet addresses
 * (100.A.B.C), sent to their loopback alias from `fromAlias`. Anything else is refused.
 */
async function startMonitoringProxy(
  fromAlias: string,
): Promise<{ url: string; server: Server; served: () => number }> {
  let served = 0;
  const server = createServer((req, res) => {
    let target: URL;
    let alias: string;
    try {
      target = new URL(req.url ?? '');
      alias = simLoopbackFor(target.hostname);
    } catch {
      res.writeHead(400).end('absolute http://100.x.y.z URLs only');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    const upstream = request(
      {
        host: alias,
        port: Number(target.port),
        path: target.pathname + target.search,
        method: req.method,
        headers, // Host stays the tailnet address the gateway answers to
        localAddress: fromAlias,
        agent: false,
      },
      (up) => {
        served++;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(err));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, served: () => served };
}

/** A port free right now on 127.0.0.1 (Prometheus takes no port 0). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * docs/monitoring/prometheus.yml as shipped, pointed at this world: each edit must find its text, so a
 * change to the shipped file that this test would no longer exercise fails here.
 */
function testConfig(sdFile: string, registryTarget: string, proxyUrl: string): string {
  const edits: [string | RegExp, string][] = [
    ['- /var/lib/prometheus/agromesh-farms.json\n', `- ${sdFile}\n`],
    ['- registry.example.ts.net:8090\n', `- ${registryTarget}\n`],
    [/scrape_interval: 30s/, 'scrape_interval: 1s'],
    [/scrape_timeout: 10s/, 'scrape_timeout: 1s'],
    [/evaluation_interval: 30s/, 'evaluation_interval: 1s'],
    [/refresh_interval: 1m/, 'refresh_interval: 5s'],
    [/( +)metrics_path: \/metrics\n/g, `$1metrics_path: /metrics\n$1proxy_url: ${proxyUrl}\n`],
  ];
  let text = readFileSync(PROMETHEUS_YML, 'utf8');
  for (const [from, to] of edits) {
    const next = text.replace(from, to);
    if (next === text) throw new Error(`docs/monitoring/prometheus.yml no longer has ${String(from)}`);
    text = next;
  }
  expect(text.match(/proxy_url:/g)).toHaveLength(2);
  return text;
}

interface PromVector {
  metric: Record<string, string>;
  value: [number, string];
}

describe.skipIf(skip !== undefined)(
  `a real Prometheus on the demo world${skip ? ` — skipped: ${skip}` : ''}`,
  () => {
    let dir = '';
    let sdFile = '';
    let world: DemoWorld;
    let proxy: Awaited<ReturnType<typeof startMonitoringProxy>>;
    let prometheus: ChildProcess | undefined;
    let promUrl = '';
    let promLog = '';
    let monitorAlias = '';
    let operatorAlias = '';
    let registryTarget = '';

    const query = async (expr: string): Promise<PromVector[]> => {
      const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; error?: string; data: { result: PromVector[] } };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? res.status}`);
      return body.data.result;
    };
    const gatewayOf = (farmId: string) => world.gateways.get(farmId)!;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'agromesh-prom-'));
      sdFile = join(dir, 'agromesh-farms.json');
      world = await startDemoWorld({
        dir: join(dir, 'world'),
        farms: FARMS,
        backfillHours: 1,
        heartbeatIntervalS: 2,
      });
      const sim = world.sim;
      sim.tailnet.addDevice({ name: 'prometheus', tags: [MONITORING_TAG], os: 'linux' });
      const monitorIp = sim.tailnet.device('prometheus')!.ipv4!;
      monitorAlias = sim.tailnet.loopbackOf('prometheus');
      registryTarget = `${sim.tailnet.device('registry')!.ipv4!}:${REGISTRY_HTTP_PORT}`;
      operatorAlias = sim.tailnet.loopbackOf((await world.seat('operator')).node);

      // The real code path: `agromesh farms --prometheus-sd FILE`, run on the monitoring node.
      const daemon = await sim.serveLocalApi('prometheus', join(dir, 'prometheus.tailscaled.sock'));
      const err: string[] = [];
      const io: CliIO = {
        stdout: () => {},
        stderr: (t) => err.push(t),
        env: {},
        stopSignal: new Promise(() => {}),
      };
      const code = await main(
        [
          'farms',
          '--local-api-socket',
          daemon.socketPath,
          '--sim-self',
          monitorIp,
          '--prometheus-sd',
          sdFile,
        ],
        io,
      );
      expect(code, err.join('')).toBe(0);
      expect(err.join('')).toContain(`wrote ${FARMS.length} Prometheus targets`);

      proxy = await startMonitoringProxy(monitorAlias);
      const port = await freePort();
      promUrl = `http://127.0.0.1:${port}`;
      // The shipped config, with this world's paths and addresses, 1-second intervals and the proxy.
      writeFileSync(join(dir, 'prometheus.yml'), testConfig(sdFile, registryTarget, proxy.url));
      copyFileSync(ALERTS_YML, join(dir, 'alerts.yml'));
      prometheus = spawn(
        PROMETHEUS_BIN,
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'tsdb')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--log.level=warn',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
      );
      prometheus.stdout!.on('data', (d: Buffer) => (promLog = (promLog + d.toString()).slice(-4000)));
      prometheus.stderr!.on('data', (d: Buffer) => (promLog = (promLog + d.toString()).slice(-4000)));
      await waitFor(
        async () =>
          prometheus?.exitCode === null &&
          (await fetch(`${promUrl}/-/ready`).then(
            (r) => r.ok,
            () => false,
          )),
        30_000,
        'Prometheus to be ready',
        100,
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n${promLog}`);
      });
    });

    afterAll(async () => {
      if (prometheus && prometheus.exitCode === null && prometheus.signalCode === null) {
        const p = prometheus;
        await new Promise<void>((resolve) => {
          const kill = setTimeout(() => p.kill('SIGKILL'), 10_000);
          p.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          p.kill('SIGTERM');
        });
      }
      proxy?.server.close();
      await world?.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('the SD file lists every farm gateway on its tailnet address with farm labels', () => {
      const groups = JSON.parse(readFileSync(sdFile, 'utf8')) as {
        targets: string[];
        labels: Record<string, string>;
      }[];
      expect(groups.map((g) => g.labels.farm_id).sort()).toEqual(FARMS.map((f) => f.id).sort());
      for (const g of groups) {
        const gw = gatewayOf(g.labels.farm_id!);
        expect(g.targets).toEqual([`${world.sim.tailnet.device(gw.node)!.ipv4}:${FARM_HTTP_PORT}`]);
        expect(g.labels).toMatchObject({ farm_name: gw.farm.name, tailnet_node: gw.node });
      }
    });

    it('scrapes every farm and the registry (up = 1) through the tag:monitoring node, which alone may', async () => {
      const up = await waitFor(
        async () => {
          const r = await query('up');
          return r.length === FARMS.length + 1 && r.every((s) => s.value[1] === '1') && r;
        },
        30_000,
        'up == 1 for every farm and the registry',
        200,
      ).catch(async (e: Error) => {
        throw new Error(`${e.message}: ${JSON.stringify(await query('up'))}\n${promLog}`);
      });
      expect(up.map((s) => s.metric.farm_id ?? s.metric.job).sort()).toEqual(
        [...FARMS.map((f) => f.id), 'agromesh-registry'].sort(),
      );
      expect(proxy.served()).toBeGreaterThan(FARMS.length);

      // Without the proxy the caller is not tag:monitoring: the same scrape is refused.
      const gw = gatewayOf(FARMS[0]!.id);
      const registryUrl = new URL(world.registryUrl);
      expect((await http(gw.host, FARM_HTTP_PORT, '/metrics', operatorAlias)).status).toBe(403);
      expect(
        (await http(registryUrl.hostname, Number(registryUrl.port), '/metrics', operatorAlias)).status,
      ).toBe(403);
      expect((await http(gw.host, FARM_HTTP_PORT, '/metrics', monitorAlias)).status).toBe(200);
    });

    it("a farm's readings and succeeded commands in Prometheus equal the gateway's own count", async () => {
      const farm = FARMS[0]!;
      const gw = gatewayOf(farm.id);
      const id = `prom-${Date.now()}`;
      const posted = await http(gw.host, FARM_HTTP_PORT, '/api/commands', operatorAlias, {
        id,
        action: 'open',
        target: 'valve-1',
        params: { durationMin: 1 },
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      });
      expect(posted.status, posted.text).toBe(202);
      await waitFor(
        async () => {
          const r = await http(gw.host, FARM_HTTP_PORT, `/api/commands/${id}`, operatorAlias);
          return (JSON.parse(r.text) as { state?: string }).state === 'succeeded';
        },
        20_000,
        'the command to succeed',
        100,
      );
      const list = await http(gw.host, FARM_HTTP_PORT, '/api/commands', operatorAlias);
      const succeededByApi = CommandList.parse(JSON.parse(list.text)).commands.filter(
        (c) => c.state === 'succeeded',
      ).length;
      expect(succeededByApi).toBeGreaterThanOrEqual(1);

      // The gateway's counters move on (the simulator keeps reporting): compare both at the same moment,
      // i.e. until one of Prometheus' 1-second scrapes and a direct read agree.
      const sel = `{job="agromesh-farms",farm_id="${farm.id}"}`;
      const agreed = await waitFor(
        async () => {
          const own = (await http(gw.host, FARM_HTTP_PORT, '/metrics', monitorAlias)).text;
          const [ingested] = await query(`agromesh_gateway_readings_ingested_total${sel}`);
          const [succeeded] = await query(
            `agromesh_gateway_command_transitions_total{job="agromesh-farms",farm_id="${farm.id}",state="succeeded"}`,
          );
          const [stored] = await query(
            `agromesh_gateway_commands{job="agromesh-farms",farm_id="${farm.id}",state="succeeded"}`,
          );
          const mine = {
            ingested: sample(own, 'agromesh_gateway_readings_ingested_total'),
            succeeded: sample(own, 'agromesh_gateway_command_transitions_total{state="succeeded"}'),
            stored: sample(own, 'agromesh_gateway_commands{state="succeeded"}'),
          };
          const theirs = {
            ingested: Number(ingested?.value[1]),
            succeeded: Number(succeeded?.value[1]),
            stored: Number(stored?.value[1]),
          };
          return JSON.stringify(mine) === JSON.stringify(theirs) && theirs;
        },
        20_000,
        "Prometheus and the gateway's /metrics to agree",
        100,
      );
      expect(agreed.succeeded).toBeGreaterThanOrEqual(1);
      expect(agreed.stored).toBe(succeededByApi);
      expect(agreed.ingested).toBeGreaterThan(0);
    });

    it('loads every shipped alerting rule and evaluates it without error; no alert fires on a healthy world', async () => {
      type Rule = { name: string; health: string; lastError?: string; state?: string };
      const rules = await waitFor(
        async () => {
          const body = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as {
            data: { groups: { rules: Rule[] }[] };
          };
          const all = body.data.groups.flatMap((g) => g.rules);
          return all.length > 0 && all.every((r) => r.health !== 'unknown') && all;
        },
        20_000,
        'every rule to be evaluated',
        200,
      );
      expect(rules.map((r) => r.name).sort()).toEqual(
        alertExpressions()
          .map((a) => a.alert)
          .sort(),
      );
      expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);
      // AgromeshSensorDataStale may be pending on a demo farm whose backfill ended a while ago: only firing counts.
      expect(rules.filter((r) => r.state === 'firing').map((r) => r.name)).toEqual([]);
    });

    it('every Grafana panel query runs and returns series', async () => {
      const queries = dashboardQueries();
      const emptyPanels = async () => {
        const empty: string[] = [];
        for (const { panel, expr } of queries)
          if ((await query(withGrafanaVariables(expr))).length === 0) empty.push(`${panel}: ${expr}`);
        return empty;
      };
      // rate() needs two scrapes of each target in its window, so the first seconds may still lack some.
      await waitFor(
        async () => (await emptyPanels()).length === 0,
        20_000,
        'every panel to have data',
        500,
      ).catch(async (e: Error) => {
        throw new Error(`${e.message}; empty:\n${(await emptyPanels()).join('\n')}`);
      });
      expect(queries.length).toBeGreaterThanOrEqual(20);
    });

    it('reports what one gateway costs to scrape', async () => {
      const farm = FARMS[0]!.id;
      const [duration] = await query(`scrape_duration_seconds{farm_id="${farm}"}`);
      const [samples] = await query(`scrape_samples_scraped{farm_id="${farm}"}`);
      const [series] = await query(`count({job="agromesh-farms",farm_id="${farm}"})`);
      const [registrySeries] = await query(`scrape_samples_scraped{job="agromesh-registry"}`);
      const figures = {
        gatewayScrapeMs: Math.round(Number(duration!.value[1]) * 10_000) / 10,
        gatewaySamplesPerScrape: Number(samples!.value[1]),
        gatewaySeriesStored: Number(series!.value[1]),
        registrySamplesPerScrape: Number(registrySeries!.value[1]),
      };
      process.stderr.write(`[prometheus] ${JSON.stringify(figures)}\n`);
      expect(figures.gatewayScrapeMs).toBeGreaterThan(0);
      expect(figures.gatewaySamplesPerScrape).toBeGreaterThan(100);
    });
  },
);
