/** Key-expiry rules: fire when a farm's tailnet key expires within `withinDays`; resolve once renewed or expiry is off. */
import { SYSTEM } from './book.ts';
import { type FarmState, KEY_EXPIRY, type RuleContext } from './farm-state.ts';

const DAY_MS = 86_400_000;

export function checkKeyExpiry(ctx: RuleContext, f: FarmState, now: number): void {
  const d = f.device;
  const expiry = d && !d.keyExpiryDisabled && d.keyExpiry ? Date.parse(d.keyExpiry) : NaN;
  const expiring = Number.isFinite(expiry);
  const rules = ctx.rules.for(f.farmId, null, KEY_EXPIRY);
  for (const a of ctx.book.openFor(f.farmId, 'key')) {
    if (a.kind !== 'keyExpiry') continue;
    const rule = rules.find((r) => r.id === a.ruleId);
    const within = rule?.condition.kind === 'keyExpiry' ? rule.condition.withinDays : 0;
    if (!expiring || expiry - now > within * DAY_MS) {
      ctx.book.resolve(a, SYSTEM, expiring ? 'key-renewed' : 'key-expiry-off', now, true);
    }
  }
  if (!expiring) return;
  for (const rule of rules) {
    const c = rule.condition;
    if (c.kind !== 'keyExpiry' || expiry - now > c.withinDays * DAY_MS) continue;
    ctx.book.fire({
      rule,
      farmId: f.farmId,
      farmName: f.name,
      subject: 'key',
      sensorId: null,
      startedAt: now,
      peak: null,
      facts: { keyExpiry: new Date(expiry).toISOString() },
    });
  }
}
