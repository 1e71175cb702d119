/**
 * Prometheus metrics shared by every program (gateway, registry, control-room host), on prom-client.
 * Each program owns a registry of its own series; the process series (CPU, memory, event-loop delay,
 * GC, handles) are collected once per process and served with each program's, so a desktop that
 * embeds the registry does not count its process twice. Only this file imports prom-client.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export { Counter, Gauge, Histogram, Registry };

export const METRICS_PATH = '/metrics';

/** Latency buckets for HTTP requests served on a tailnet (seconds): 1 ms to 10 s. */
export const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
/** Latency buckets for SQLite writes (seconds): 50 µs to 1 s. */
export const WRITE_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1];

let processRegistry: Registry | undefined;

/** The process series, started on first use (event-loop delay sampled every 20 ms). */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, eventLoopMonitoringPrecision: 20 });
  }
  return processRegistry;
}

export type HttpHistogram = Histogram<'route' | 'method' | 'status'>;

export interface ProgramMetrics {
  /** This program's own series (register new ones here). */
  registry: Registry;
  /** `agromesh_http_request_duration_seconds{route, method, status}`: its `_count` is the request counter. */
  http: HttpHistogram;
  /** The exposition text: the process series, then this program's. */
  render(): Promise<{ contentType: string; body: string }>;
}

export function createProgramMetrics(): ProgramMetrics {
  const registry = new Registry();
  const http = new Histogram({
    name: 'agromesh_http_request_duration_seconds',
    help: 'HTTP requests served, by route template, method and status, with their latency.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  const shared = processMetrics();
  return {
    registry,
    http,
    async render() {
      const [proc, own] = await Promise.all([shared.metrics(), registry.metrics()]);
      return { contentType: registry.contentType, body: `${proc}\n${own}` };
    },
  };
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Time a request from now until its response is finished (or the connection drops), labelled with
 * the route template `route()` names when it ends (never the raw path: ids would explode the series).
 */
export function observeHttp(
  histogram: HttpHistogram,
  req: IncomingMessage,
  res: ServerResponse,
  route: () => string,
): void {
  const started = performance.now();
  let done = false;
  const end = () => {
    if (done) return;
    done = true;
    const method = METHODS.has(req.method ?? '') ? req.method! : 'other';
    const status = res.writableFinished || res.headersSent ? String(res.statusCode) : 'aborted';
    histogram.observe({ route: route(), method, status }, (performance.now() - started) / 1000);
  };
  res.once('finish', end);
  res.once('close', end);
}

/** Reply with the exposition text (never cached, never sniffed). */
export async function sendMetrics(res: ServerResponse, metrics: ProgramMetrics): Promise<void> {
  const { contentType, body } = await metrics.render();
  res.writeHead(200, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}
