/**
 * GET /v1/health: one check per part that can fail on its own (database, disk, retention, ingest,
 * identity, sensor command, registry); any failing check makes the gateway "degraded".
 */
import type { DatabaseSync } from 'node:sqlite';
import type { Health } from '../../protocol/farm-api.ts';
import { AGROMESH_VERSION as GATEWAY_VERSION } from '../../kit/version.ts';
import type { Authorizer } from '../auth.ts';
import type { Clock } from '../clock.ts';
import type { GatewayOptions } from '../gateway.ts';
import type { SensorCommand } from '../hardware/sensor-command.ts';
import type { Ingest } from '../ingest.ts';
import type { FarmLayout } from '../layout.ts';
import { storageStatus } from '../store/db.ts';
import type { RetentionSchedule } from '../store/retention-schedule.ts';
import type { HeartbeatLoop } from '../tailnet/heartbeat.ts';

export function farmHealth(
  options: Pick<GatewayOptions, 'insecureNoAuth'>,
  deps: {
    farmId: string;
    db: DatabaseSync;
    layout: FarmLayout;
    ingest: Ingest;
    clock: Clock;
    retentionRun: RetentionSchedule;
    auth: Authorizer;
    sensorCommand: SensorCommand | undefined;
    /** Started after the API listens (its body needs our port), hence a getter. */
    heartbeat: () => HeartbeatLoop | undefined;
  },
): () => Health {
  const { farmId, db, layout, ingest, clock, retentionRun, auth, sensorCommand } = deps;
  const startedAt = Date.now();
  return () => {
    const checks: Health['checks'] = {};
    try {
      db.prepare('SELECT 1').get();
      checks.database = { ok: true };
    } catch (err) {
      checks.database = { ok: false, detail: (err as Error).message };
    }
    checks.storage = storageStatus(db);
    const held = retentionRun.held();
    if (held) checks.retention = { ok: false, detail: `held: ${held}` };
    const minInterval = Math.min(...layout.sensors.map((s) => s.intervalMs));
    const last = ingest.lastIngestAt();
    if (layout.sensors.length > 0) {
      const age = last === undefined ? undefined : clock.now() - last;
      const limit = Math.max(60_000, 3 * minInterval);
      checks.ingest =
        age !== undefined && age <= limit
          ? { ok: true, detail: `last reading ${Math.round(age / 1000)} s ago` }
          : {
              ok: false,
              detail:
                age === undefined ? 'no readings since start' : `no readings for ${Math.round(age / 1000)} s`,
            };
    }
    checks.identity = options.insecureNoAuth
      ? { ok: true, detail: 'authentication disabled (loopback only)' }
      : auth.status();
    if (sensorCommand) checks.sensorCommand = sensorCommand.status();
    const heartbeat = deps.heartbeat();
    if (heartbeat) {
      const s = heartbeat.status();
      checks.registry = { ok: s.ok, ...(s.detail ? { detail: s.detail } : {}) };
    }
    const ok = Object.values(checks).every((c) => c.ok);
    return {
      status: ok ? 'ok' : 'degraded',
      farmId,
      version: GATEWAY_VERSION,
      uptimeS: Math.round((Date.now() - startedAt) / 1000),
      checks,
    };
  };
}
