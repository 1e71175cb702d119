import { describe, expect, it } from 'vitest';
import type { Reading } from '../../protocol/farm-api.ts';
import { createFarmSimulator } from '../../gateway/simulator/farm-sim.ts';
import { FarmLayout } from '../../gateway/layout.ts';

const DAY0 = Date.UTC(2026, 5, 1, 0, 0, 0); // midnight UTC, lon 0: solar midnight
const H = 3_600_000;

const of = (rs: Reading[], id: string) => rs.filter((r) => r.sensorId === id);
const values = (rs: Reading[]) => rs.flatMap((r) => (r.value === null ? [] : [r.value]));

describe('farm simulator', () => {
  it('is reproducible from its seed, however it is stepped', () => {
    const opts = { seed: 42, anchor: DAY0, location: { lat: 45, lon: 0 } };
    const whole = createFarmSimulator(opts);
    whole.startAt(DAY0);
    const a = whole.advanceTo(DAY0 + 6 * H);
    const chunked = createFarmSimulator(opts);
    chunked.startAt(DAY0);
    const b: Reading[] = [];
    let t = DAY0;
    let i = 0;
    while (t < DAY0 + 6 * H) {
      t = Math.min(DAY0 + 6 * H, t + ((i++ * 7_919) % 300_000));
      b.push(...chunked.advanceTo(t));
    }
    expect(b).toEqual(a);
    const other = createFarmSimulator({ ...opts, seed: 43 });
    other.startAt(DAY0);
    expect(other.advanceTo(DAY0 + 6 * H)).not.toEqual(a);
    expect(FarmLayout.safeParse(whole.layout).success).toBe(true);
  });

  it('has flow only while a valve is open, and irrigation wets its zone and drains the tank', () => {
    const sim = createFarmSimulator({ seed: 1, anchor: DAY0, schedule: false });
    sim.startAt(DAY0 + 10 * H);
    const before = sim.advanceTo(DAY0 + 11 * H);
    expect(values(of(before, 'flow-1')).every((v) => v === 0)).toBe(true);
    expect(sim.actuate('valve-1', 'open', { durationMin: 60 }, DAY0 + 11 * H)).toEqual({ ok: true });
    const during = sim.advanceTo(DAY0 + 12 * H - 1);
    const flow = values(of(during, 'flow-1'));
    expect(Math.min(...flow)).toBeGreaterThan(10);
    const after = sim.advanceTo(DAY0 + 13 * H);
    expect(
      values(of(after, 'flow-1'))
        .slice(2)
        .every((v) => v === 0),
    ).toBe(true);
    const soil1 = values(of(during, 'soil-1'));
    const soil2 = values(of(during, 'soil-2'));
    expect(soil1[soil1.length - 1]! - soil1[0]!).toBeGreaterThan(2);
    expect(soil2[soil2.length - 1]!).toBeLessThan(soil2[0]!);
    const tank = values(of(during, 'tank-1'));
    expect(tank[tank.length - 1]!).toBeLessThan(tank[0]! - 5);
    expect(sim.actuate('pump-1', 'start', { durationMin: 60 }, DAY0 + 13 * H).ok).toBe(true);
    const refill = values(of(sim.advanceTo(DAY0 + 14 * H), 'tank-1'));
    expect(refill[refill.length - 1]!).toBeGreaterThan(refill[0]! + 10);
    expect(sim.actuate('valve-1', 'explode', {}, DAY0).ok).toBe(false);
  });

  it('dries the soil by day faster than by night, with a diurnal temperature and humidity', () => {
    const sim = createFarmSimulator({
      seed: 5,
      anchor: DAY0,
      schedule: false,
      location: { lat: 45, lon: 0 },
    });
    sim.startAt(DAY0);
    const day = sim.advanceTo(DAY0 + 24 * H);
    const soil = of(day, 'soil-1').filter((r) => r.value !== null);
    const at = (h: number) => soil.find((r) => r.ts >= DAY0 + h * H)!.value!;
    const nightLoss = at(0) - at(5);
    const dayLoss = at(10) - at(15);
    expect(dayLoss).toBeGreaterThan(nightLoss * 2);
    const temps = of(day, 'air-temp').filter((r) => r.value !== null);
    const hottest = temps.reduce((a, b) => (b.value! > a.value! ? b : a));
    const coldest = temps.reduce((a, b) => (b.value! < a.value! ? b : a));
    expect((hottest.ts - DAY0) / H).toBeGreaterThan(12);
    expect((hottest.ts - DAY0) / H).toBeLessThan(18);
    expect(((coldest.ts - DAY0) / H + 21) % 24).toBeLessThan(9); // between ~21:00 and ~06:00
    const hum = of(day, 'air-humidity').filter((r) => r.value !== null);
    const humAt = (ts: number) => hum.find((r) => r.ts >= ts)!.value!;
    expect(humAt(hottest.ts)).toBeLessThan(humAt(coldest.ts));
  });

  it('follows its daily irrigation schedule when enabled', () => {
    const sim = createFarmSimulator({ seed: 9, anchor: DAY0 });
    sim.startAt(DAY0);
    const flowing = of(sim.advanceTo(DAY0 + 24 * H), 'flow-1').filter((r) => (r.value ?? 0) > 0);
    expect(flowing.length).toBeGreaterThan(100);
    expect(flowing.every((r) => r.ts >= DAY0 + 5 * H && r.ts < DAY0 + 6.5 * H)).toBe(true);
  });

  it('has occasional sensor faults (null value, quality fault)', () => {
    const sim = createFarmSimulator({ seed: 3, anchor: DAY0 });
    sim.startAt(DAY0);
    const month = sim.advanceTo(DAY0 + 20 * 24 * H);
    const faults = month.filter((r) => r.quality === 'fault');
    expect(faults.length).toBeGreaterThan(0);
    expect(faults.length / month.length).toBeLessThan(0.02);
    expect(faults.every((r) => r.value === null)).toBe(true);
  });

  it('drives zone 1 out of its expected range on request, despite irrigation', () => {
    const run = (drift: boolean) => {
      const sim = createFarmSimulator({ seed: 11, anchor: DAY0, driftFrom: drift ? DAY0 + H : null });
      sim.startAt(DAY0);
      const rs = of(sim.advanceTo(DAY0 + 8 * H), 'soil-1');
      return values(rs.filter((r) => r.ts > DAY0 + 7 * H));
    };
    const min = run(false).reduce((a, b) => Math.min(a, b));
    expect(min).toBeGreaterThan(20);
    const drifted = run(true);
    expect(Math.max(...drifted)).toBeLessThan(20);
  });

  it('runs faster than real time with --sim-speed while keeping real timestamps', () => {
    const anchor = DAY0 + 10 * H;
    const sim = createFarmSimulator({ seed: 1, anchor, speed: 60, schedule: false });
    expect(sim.layout.sensors.find((s) => s.id === 'flow-1')!.intervalMs).toBe(250);
    sim.startAt(anchor);
    sim.actuate('valve-1', 'open', { durationMin: 30 }, anchor); // 30 farm minutes = 30 real seconds
    const rs = of(sim.advanceTo(anchor + 60_000), 'flow-1');
    expect(rs.every((r) => r.ts >= anchor && r.ts <= anchor + 60_000)).toBe(true);
    const on = rs.filter((r) => (r.value ?? 0) > 0);
    expect(on.length).toBeGreaterThanOrEqual(115);
    expect(on.length).toBeLessThanOrEqual(121);
    expect(on[on.length - 1]!.ts - anchor).toBeLessThanOrEqual(30_000);
  });
});
