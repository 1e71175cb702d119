/** The registry's Prometheus series (docs/monitoring.md): heartbeats received, farms known and online, requests. */
import { Counter, Gauge, type ProgramMetrics, createProgramMetrics } from '../kit/metrics.ts';

export interface RegistryMetrics extends ProgramMetrics {
  heartbeats: Counter<'result'>;
}

export function createRegistryMetrics(counts: () => { farms: number; online: number }): RegistryMetrics {
  const base = createProgramMetrics();
  const registers = [base.registry];
  new Gauge({
    name: 'agromesh_registry_farms',
    help: 'Farm records the registry holds, by status (known = all records, online = heartbeat within offlineAfter).',
    labelNames: ['status'] as const,
    registers,
    collect() {
      const c = counts();
      this.set({ status: 'known' }, c.farms);
      this.set({ status: 'online' }, c.online);
    },
  });
  const heartbeats = new Counter({
    name: 'agromesh_registry_heartbeats_total',
    help: 'Heartbeats received from farm gateways, by result (ok, refused).',
    labelNames: ['result'] as const,
    registers,
  });
  for (const result of ['ok', 'refused']) heartbeats.inc({ result }, 0);
  return { ...base, heartbeats };
}

/** The route template of a registry request target (addresses never become label values). */
export function registryRouteName(target: string | undefined): string {
  let path = (target ?? '/').split('?')[0]!;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  if (path.startsWith('/api/farms/') && path.indexOf('/', 11) === -1) return '/api/farms/:address';
  if (path.startsWith('/packages/')) return '/packages/:file';
  if (['/api/health', '/api/farms', '/api/heartbeat', '/metrics', '/packages'].includes(path)) return path;
  return 'other';
}
