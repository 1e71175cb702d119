/**
 * Offline and stale rules. Offline rules time a layer from the moment this app saw it go bad. Only the
 * deepest cause alerts: a node off the tailnet does not also raise "gateway not answering" or "no data",
 * and an offline farm does not raise one "sensor stopped reporting" per sensor.
 */
import { type FarmState, LAYERS, OFFLINE, type RuleContext, STALE } from './farm-state.ts';

/** Fires offline rules for the deepest bad layer that has been bad long enough. */
export function fireOffline(ctx: RuleContext, f: FarmState, now: number): void {
  const tailnetBad = f.layers.tailnet.since !== null;
  const gatewayBad = f.layers.gateway.since !== null;
  const rules = ctx.rules.for(f.farmId, null, OFFLINE);
  if (rules.length === 0) return;
  for (const layer of LAYERS) {
    const st = f.layers[layer];
    if (st.since === null) continue;
    if ((layer === 'gateway' && tailnetBad) || (layer === 'data' && (tailnetBad || gatewayBad))) continue;
    for (const rule of rules) {
      const c = rule.condition;
      if (c.kind !== 'offline' || c.layer !== layer || now - st.since < c.forS * 1000) continue;
      ctx.book.fire({
        rule,
        farmId: f.farmId,
        farmName: f.name,
        subject: layer,
        sensorId: null,
        startedAt: st.since,
        peak: null,
        facts: { layer, layerDetail: st.detail, forS: c.forS },
      });
    }
  }
}

/** Fires stale rules for sensors that stopped reporting (or never did) long enough ago. */
export function fireStale(ctx: RuleContext, f: FarmState, now: number): void {
  // A farm that is down already has its one offline alert; its sensors are not each stale on top.
  if (LAYERS.some((l) => f.layers[l].since !== null)) return;
  for (const [sensorId, knownAt] of f.knownAt) {
    const rules = ctx.rules.for(f.farmId, sensorId, STALE);
    if (rules.length === 0) continue;
    const sensor = f.sensors.get(sensorId);
    const last = f.lastTs.get(sensorId) ?? null;
    const ref = last ?? knownAt;
    for (const rule of rules) {
      const c = rule.condition;
      if (c.kind !== 'stale') continue;
      const limit = Math.max(c.forS * 1000, 3 * (sensor?.intervalMs ?? 0));
      if (now - ref < limit) continue;
      ctx.book.fire({
        rule,
        farmId: f.farmId,
        farmName: f.name,
        subject: sensorId,
        sensorId,
        startedAt: ref,
        peak: null,
        facts: {
          sensorLabel: sensor?.label ?? sensorId,
          ...(sensor?.labels ? { sensorLabels: sensor.labels } : {}),
          forS: Math.round(limit / 1000),
          lastTs: last,
        },
      });
    }
  }
}
