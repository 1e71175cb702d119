/**
 * Screen-space grid clustering: points closer than `cellPx` at the current scale merge into one marker
 * showing the count and the worst health. It depends only on the scale (not on panning), so panning
 * never re-clusters. O(n) per zoom level.
 */
import type { AlertSeverity, OverallHealth } from '../../../protocol/app/index.ts';
import { HEALTH_RANK } from './health.ts';
import { ALERT_RANK, worseSeverity } from './open-alerts.ts';
import type { Point } from './projection.ts';

export interface ClusterInput {
  id: string;
  p: Point;
  health: OverallHealth;
  /** The worst open alert on the farm, if any. */
  alert?: AlertSeverity;
}

export interface Cluster {
  /** Stable key: the member id for singletons, the cell for groups. */
  key: string;
  /** Mean position of the members (world units). */
  p: Point;
  ids: string[];
  worst: OverallHealth;
  /** The worst open alert among the members, if any. */
  alert?: AlertSeverity;
  /** Members with an open alert. */
  alerting: number;
  /** Bounding box of the members, for "zoom into this cluster". */
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
}

export function clusterPoints(points: readonly ClusterInput[], k: number, cellPx = 36): Cluster[] {
  const cells = new Map<string, ClusterInput[]>();
  for (const pt of points) {
    const key = `${Math.floor((pt.p.x * k) / cellPx)}:${Math.floor((pt.p.y * k) / cellPx)}`;
    const cell = cells.get(key);
    if (cell) cell.push(pt);
    else cells.set(key, [pt]);
  }
  const out: Cluster[] = [];
  for (const [cellKey, members] of cells) {
    let sx = 0;
    let sy = 0;
    let worst: OverallHealth = 'ok';
    let alert: AlertSeverity | undefined;
    let alerting = 0;
    const bounds = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
    for (const m of members) {
      sx += m.p.x;
      sy += m.p.y;
      if (HEALTH_RANK[m.health] > HEALTH_RANK[worst]) worst = m.health;
      if (m.alert) {
        alerting++;
        alert = worseSeverity(alert, m.alert);
      }
      bounds.minX = Math.min(bounds.minX, m.p.x);
      bounds.minY = Math.min(bounds.minY, m.p.y);
      bounds.maxX = Math.max(bounds.maxX, m.p.x);
      bounds.maxY = Math.max(bounds.maxY, m.p.y);
    }
    const only = members.length === 1 ? members[0] : undefined;
    out.push({
      key: only ? `farm:${only.id}` : `cell:${cellKey}`,
      p: { x: sx / members.length, y: sy / members.length },
      ids: members.map((m) => m.id),
      worst,
      ...(alert ? { alert } : {}),
      alerting,
      bounds,
    });
  }
  // Worse is drawn last, i.e. on top: alerts above health.
  const rank = (c: Cluster) => (c.alert ? 10 + ALERT_RANK[c.alert] : 0) + HEALTH_RANK[c.worst];
  return out.sort((a, b) => rank(a) - rank(b));
}
