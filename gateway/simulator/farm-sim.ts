/**
 * A seeded, reproducible farm: two irrigation zones whose soil dries with evapotranspiration and wets
 * while their valve is open, diurnal air temperature and humidity, a water tank refilled by a pump,
 * flow only while a valve is open, and the occasional sensor fault. Physics runs on a fixed step grid
 * (15 simulated seconds) so the output does not depend on how often `advanceTo` is called.
 * Before `anchor` (backfilled history) the farm runs in real time; from `anchor` on, `speed` runs it
 * faster (a step every 15 s / speed of real time) while readings keep real timestamps.
 */
import type { Location, Reading } from '../../protocol/farm-api.ts';
import type { FarmLayout } from '../layout.ts';
import type { Params } from '../../protocol/command-params.ts';
import { gaussian, uniform } from './random.ts';

export interface FarmSimOptions {
  seed: number;
  /** Simulated ms per real ms (1 = real time). */
  speed?: number;
  location?: Location | null;
  /** Real time from which `speed` applies (usually the gateway's start); rounded down to 15 s. */
  anchor: number;
  /** Real time from which zone 1 dries out of its expected range (a clogged emitter), if set. */
  driftFrom?: number | null;
  /** Daily irrigation and tank refill schedule (on by default). */
  schedule?: boolean;
  /** Starting state, e.g. the last stored readings after a restart. */
  initial?: { soil1?: number; soil2?: number; tank?: number };
}

export interface ActuationResult {
  ok: boolean;
  reason?: string;
}

export interface FarmSimulator {
  readonly layout: FarmLayout;
  readonly stepMs: number;
  /** Readings for every grid step up to and including `ts` that has not been produced yet. */
  advanceTo(ts: number): Reading[];
  /** Begin producing readings from `ts` (before the first advance). */
  startAt(ts: number): void;
  actuate(target: string, action: string, params: Params, ts: number): ActuationResult;
  /** Internal state, for tests and the health check. */
  snapshot(): { soil1: number; soil2: number; tank: number; valves: Record<string, boolean>; pump: boolean };
}

const SIM_STEP = 15_000; // simulated ms per physics step
const HOUR = 3_600_000;
const TANK_LITRES = 10_000;
const VALVE_FLOW = 18; // L/min per open valve
const PUMP_FLOW = 40; // L/min into the tank

interface SensorSpec {
  id: string;
  /** Emit every `every` steps. */
  every: number;
  stream: number;
}

const SENSORS: SensorSpec[] = [
  { id: 'soil-1', every: 4, stream: 1 },
  { id: 'soil-2', every: 4, stream: 2 },
  { id: 'air-temp', every: 4, stream: 3 },
  { id: 'air-humidity', every: 4, stream: 4 },
  { id: 'tank-1', every: 2, stream: 5 },
  { id: 'flow-1', every: 1, stream: 6 },
];

export function simLayout(speed = 1): FarmLayout {
  const every = (id: string) =>
    Math.max(1, Math.round(SIM_STEP / speed)) * SENSORS.find((s) => s.id === id)!.every;
  const duration = (max: number, required: boolean) => ({
    type: 'object' as const,
    properties: {
      durationMin: {
        type: 'integer' as const,
        title: 'Duration',
        titles: { ru: 'Длительность' },
        description: 'How long to run before switching off by itself.',
        descriptions: { ru: 'Сколько работать, прежде чем выключиться самому.' },
        minimum: 1,
        maximum: max,
        unit: 'min',
        ...(required ? {} : { default: 60 }),
      },
    },
    required: required ? ['durationMin'] : [],
    additionalProperties: false as const,
  });
  const none = {
    type: 'object' as const,
    properties: {},
    required: [],
    additionalProperties: false as const,
  };
  const valve = (n: number) => ({
    id: `valve-${n}`,
    kind: 'valve' as const,
    label: `Irrigation valve, zone ${n}`,
    labels: { ru: `Клапан полива, зона ${n}` },
    commands: [
      {
        action: 'open',
        label: 'Open',
        labels: { ru: 'Открыть' },
        params: duration(120, true),
        confirmedBy: 'flow-1',
        confirm: { expect: 'rise' as const, threshold: 1, withinMs: 120_000 },
      },
      {
        action: 'close',
        label: 'Close',
        labels: { ru: 'Закрыть' },
        params: none,
        confirmedBy: 'flow-1',
        confirm: { expect: 'fall' as const, threshold: 1, withinMs: 120_000 },
      },
    ],
  });
  return {
    sensors: [
      soilSensor(1, every('soil-1')),
      soilSensor(2, every('soil-2')),
      {
        id: 'air-temp',
        kind: 'air_temperature',
        label: 'Air temperature',
        labels: { ru: 'Температура воздуха' },
        unit: '°C',
        expectedRange: { min: -5, max: 40 },
        intervalMs: every('air-temp'),
      },
      {
        id: 'air-humidity',
        kind: 'air_humidity',
        label: 'Air humidity',
        labels: { ru: 'Влажность воздуха' },
        unit: '%',
        expectedRange: { min: 20, max: 100 },
        intervalMs: every('air-humidity'),
      },
      {
        id: 'tank-1',
        kind: 'tank_level',
        label: 'Water tank',
        labels: { ru: 'Бак с водой' },
        unit: '%',
        expectedRange: { min: 10, max: 100 },
        intervalMs: every('tank-1'),
      },
      {
        id: 'flow-1',
        kind: 'flow_rate',
        label: 'Irrigation main flow',
        labels: { ru: 'Расход в магистрали полива' },
        unit: 'L/min',
        expectedRange: { min: 0, max: 60 },
        intervalMs: every('flow-1'),
      },
    ],
    actuators: [
      valve(1),
      valve(2),
      {
        id: 'pump-1',
        kind: 'pump',
        label: 'Well pump (fills the tank)',
        labels: { ru: 'Скважинный насос (наполняет бак)' },
        commands: [
          {
            action: 'start',
            label: 'Start',
            labels: { ru: 'Запустить' },
            params: duration(240, false),
            confirmedBy: 'tank-1',
          },
          { action: 'stop', label: 'Stop', labels: { ru: 'Остановить' }, params: none },
        ],
      },
    ],
  };
}

function soilSensor(n: number, intervalMs: number) {
  return {
    id: `soil-${n}`,
    kind: 'soil_moisture' as const,
    label: `Soil moisture, zone ${n}`,
    labels: { ru: `Влажность почвы, зона ${n}` },
    unit: '%',
    expectedRange: { min: 20, max: 45 },
    intervalMs,
  };
}

export function createFarmSimulator(options: FarmSimOptions): FarmSimulator {
  const speed = options.speed ?? 1;
  const seed = options.seed | 0;
  const stepMs = Math.max(1, Math.round(SIM_STEP / speed));
  const anchorK = Math.floor(options.anchor / SIM_STEP);
  const anchor = anchorK * SIM_STEP;
  // Step k always stands for simulated time k × 15 s; this is when it happens in real time.
  const realOf = (k: number) => (k <= anchorK ? k * SIM_STEP : anchor + (k - anchorK) * stepMs);
  const firstStepAtOrAfter = (ts: number) =>
    ts <= anchor ? Math.ceil(ts / SIM_STEP) : anchorK + Math.ceil((ts - anchor) / stepMs);
  const lon = options.location?.lon ?? 0;
  const schedule = options.schedule ?? true;
  const layout = simLayout(speed);
  const variation = uniform(seed, 0, 99);
  const state = {
    soil1: options.initial?.soil1 ?? 30 + variation * 6,
    soil2: options.initial?.soil2 ?? 28 + variation * 4,
    tank: options.initial?.tank ?? 60 + variation * 25,
  };
  // Simulated-time deadlines (ms) until which each thing runs; 0 = off.
  // Simulated-time windows [from, until) in which each thing runs; commands may arrive before the
  // physics has caught up to them, so a window never reaches back before its command.
  const runs: Record<string, { from: number; until: number }> = {
    'valve-1': { from: 0, until: 0 },
    'valve-2': { from: 0, until: 0 },
    'pump-1': { from: 0, until: 0 },
  };
  const running = (id: string, simMs: number) => runs[id]!.from <= simMs && simMs < runs[id]!.until;
  const lastFiredDay: Record<string, number> = {};
  const faultLeft: Record<string, number> = {};
  let nextK: number | null = null;
  const tMean = 16 + variation * 8;

  const simTime = (real: number) => (real <= anchor ? real : anchor + ((real - anchor) * SIM_STEP) / stepMs);
  const localHour = (simMs: number) => (((simMs / HOUR + lon / 15) % 24) + 24) % 24;
  const dayIndex = (simMs: number) => Math.floor((simMs + (lon / 15) * HOUR) / (24 * HOUR));

  function runSchedule(simMs: number): void {
    if (!schedule) return;
    const h = localHour(simMs);
    const day = dayIndex(simMs);
    const slots: [string, number, number][] = [
      ['valve-1', 5, 40],
      ['valve-2', 5.75, 40],
      ['pump-1', 22, 60],
    ];
    for (const [id, start, minutes] of slots) {
      if (h >= start && h < start + minutes / 60 && lastFiredDay[id] !== day) {
        lastFiredDay[id] = day;
        const until = simMs + (start + minutes / 60 - h) * HOUR;
        const run = runs[id]!;
        if (run.until <= simMs) run.from = simMs;
        run.until = Math.max(run.until, until);
      }
    }
  }

  function step(k: number, real: number): Reading[] {
    const simMs = k * SIM_STEP;
    runSchedule(simMs);
    const dtH = SIM_STEP / HOUR;
    const h = localHour(simMs);
    const daylight = Math.max(0, Math.sin((Math.PI * (h - 6)) / 12));
    const temp = tMean + 6 * Math.sin((2 * Math.PI * (h - 9)) / 24);
    const open1 = running('valve-1', simMs);
    const open2 = running('valve-2', simMs);
    const pumping = running('pump-1', simMs);
    const et = 0.25 * (0.3 + daylight) * (1 + Math.max(0, temp - 15) / 15); // % per hour
    const drifting =
      options.driftFrom !== undefined && options.driftFrom !== null && real >= options.driftFrom;
    const tankHasWater = state.tank > 0.5;
    const wet = (on: boolean, theta: number, gain: number) =>
      on && tankHasWater ? 8 * gain * Math.max(0, 1 - theta / 50) : 0;
    // Drifting: a clogged emitter plus a leak; about 4 %/h, below range within a few farm hours.
    state.soil1 += (wet(open1, state.soil1, drifting ? 0.05 : 1) - (drifting ? et * 10 + 3 : et)) * dtH;
    state.soil2 += (wet(open2, state.soil2, 1) - et) * dtH;
    state.soil1 = clamp(state.soil1, 2, 50);
    state.soil2 = clamp(state.soil2, 2, 50);
    const flow = tankHasWater ? ((open1 ? 1 : 0) + (open2 ? 1 : 0)) * VALVE_FLOW : 0;
    const litres = (PUMP_FLOW * (pumping ? 1 : 0) - flow) * (SIM_STEP / 60_000);
    state.tank = clamp(state.tank + (litres / TANK_LITRES) * 100, 0, 100);

    const values: Record<string, number> = {
      'soil-1': state.soil1 + 0.15 * gaussian(seed, k, 1),
      'soil-2': state.soil2 + 0.15 * gaussian(seed, k, 2),
      'air-temp': temp + 0.3 * gaussian(seed, k, 3),
      'air-humidity': clamp(72 - 2.5 * (temp - tMean) + 1.5 * gaussian(seed, k, 4), 15, 100),
      'tank-1': state.tank + 0.1 * gaussian(seed, k, 5),
      'flow-1': flow > 0 ? Math.max(0.1, flow + 0.4 * gaussian(seed, k, 6)) : 0,
    };
    const out: Reading[] = [];
    for (const s of SENSORS) {
      if (k % s.every !== 0) continue;
      let left = faultLeft[s.id] ?? 0;
      // About one fault per sensor every ~2,000 readings, lasting 3–10 readings.
      if (left === 0 && uniform(seed, k, 100 + s.stream) < 1 / 2000) {
        left = 3 + Math.floor(uniform(seed, k, 200 + s.stream) * 8);
      }
      if (left > 0) {
        faultLeft[s.id] = left - 1;
        out.push({ sensorId: s.id, ts: real, value: null, quality: 'fault' });
      } else {
        out.push({ sensorId: s.id, ts: real, value: round(values[s.id]!, 2), quality: 'ok' });
      }
    }
    return out;
  }

  return {
    layout,
    stepMs,
    startAt(ts) {
      nextK = firstStepAtOrAfter(ts);
    },
    advanceTo(ts) {
      nextK ??= firstStepAtOrAfter(ts);
      const out: Reading[] = [];
      while (realOf(nextK) <= ts) {
        out.push(...step(nextK, realOf(nextK)));
        nextK++;
      }
      return out;
    },
    actuate(target, action, params, ts) {
      const simMs = simTime(ts);
      const minutes = typeof params.durationMin === 'number' ? params.durationMin : 60;
      const run = Object.hasOwn(runs, target) ? runs[target] : undefined;
      if (!run) return { ok: false, reason: `no actuator "${target}"` };
      const on = target === 'pump-1' ? 'start' : 'open';
      const off = target === 'pump-1' ? 'stop' : 'close';
      if (action === on) {
        run.from = simMs;
        run.until = simMs + minutes * 60_000;
      } else if (action === off) {
        run.until = Math.min(run.until, simMs);
      } else {
        return { ok: false, reason: `${target} has no action "${action}"` };
      }
      return { ok: true };
    },
    snapshot() {
      const now = nextK === null ? anchor : nextK * SIM_STEP;
      return {
        soil1: state.soil1,
        soil2: state.soil2,
        tank: state.tank,
        valves: { 'valve-1': running('valve-1', now), 'valve-2': running('valve-2', now) },
        pump: running('pump-1', now),
      };
    },
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
