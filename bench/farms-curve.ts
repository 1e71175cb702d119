/**
 * The control room's scale curve for docs/benchmarks.md: bench/farms-scale.ts (the core holding N farms ×
 * 10 sensors at 1 Hz, fleet in its own processes) at 100, 1,000, 3,000 and 10,000 farms, one process each,
 * one size at a time. Per size: CPU, RSS after warm-up and its slope, live heap, sockets, event-loop delay
 * p99, disk writes, readings received against sent, and the fleet generator's own CPU; a size where the
 * generator set the pace is marked "generator-limited", one where the core's intake strayed over 5 % from
 * what was sent "behind" (a backlog); both are left out of the per-farm line. The bare-`ws`
 * baseline runs at 1,000 farms (farms-scale.ts and farms-cost.ts run it at every size they measure).
 *
 * Prints JSON with a markdown table and an SVG plot; bench/run.ts puts the table into docs/benchmarks.md
 * and writes the plot to docs/benchmarks-scale.svg, only from a complete run.
 *
 *   node bench/farms-curve.ts [--sizes 100,1000,3000,10000] [--seconds 20] [--warmup 30]
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { fitLine } from './_proc-stats.ts';
import type { FleetWindow, PhaseResult } from './farms-scale.ts';
import { curveMarkdown, curveSvg, type CurveRow } from './_curve-report.ts';

const { values } = parseArgs({
  options: { sizes: { type: 'string' }, seconds: { type: 'string' }, warmup: { type: 'string' } },
});
const sizes = (values.sizes ?? '100,1000,3000,10000')
  .split(',')
  .map(Number)
  .filter((n) => n >= 10 && n <= 10_000)
  .slice(0, 6);
if (sizes.length < 2) throw new Error('--sizes needs two or more fleet sizes from 10 to 10000');
const seconds = Math.max(5, Math.min(60, Number(values.seconds ?? 20)));
// The warm-up covers the cache's first block writes (15-30 s after connecting), so RSS is measured flat.
const warmup = Math.max(2, Math.min(40, Number(values.warmup ?? 30)));
const BUDGET = { cpuPctOfOneCore: 25, rssMB: 300 }; // farms-scale.ts's targets for the core
const BASELINE_AT = 1_000;

interface ScaleRun {
  farms: number;
  baseline: PhaseResult | null;
  core: PhaseResult & { extra: Record<string, number> };
  fleet: { duringCore: FleetWindow };
}

function farmsScale(farms: number): Promise<ScaleRun | { farms: number; error: string }> {
  const node = join(import.meta.dirname, '..', 'node_modules', '.bin', 'node');
  const args = [
    '--disable-warning=ExperimentalWarning',
    join(import.meta.dirname, 'farms-scale.ts'),
    ...['--farms', String(farms), '--seconds', String(seconds), '--warmup', String(warmup)],
    ...(farms === BASELINE_AT ? [] : ['--skip-baseline']),
  ];
  const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += String(d)));
  child.stderr.on('data', (d: Buffer) => (err += String(d)));
  const timer = setTimeout(() => child.kill('SIGKILL'), (2 * (warmup + seconds) + 120 + farms / 50) * 1000);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) return resolve(JSON.parse(out.slice(out.indexOf('{'))) as ScaleRun);
      // A size that cannot run here (open-file limit, EMFILE, out of memory) is a row, not a crash.
      const message = err.trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit ${String(code)}`;
      resolve({ farms, error: /EMFILE/.test(err) ? 'out of file descriptors (EMFILE)' : message });
    });
  });
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

const rows: CurveRow[] = [];
let baseline: { farms: number; bare: PhaseResult; core: PhaseResult } | null = null;
for (const n of sizes) {
  const r = await farmsScale(n);
  if ('error' in r) {
    rows.push({ farms: n, error: r.error });
    continue;
  }
  const c = r.core;
  const f = r.fleet.duringCore;
  if (r.baseline) baseline = { farms: n, bare: r.baseline, core: c };
  rows.push({
    farms: n,
    liveFarms: c.extra.liveFarms ?? 0,
    cpuPctOfOneCore: c.cpuPctOfOneCore,
    rssAfterWarmupMB: c.rssAfterWarmupMB,
    rssPeakMB: c.rssMB,
    rssSlopeMBPerMin: c.rssSlopeMBPerMin,
    heapLiveMB: c.heapLiveEndMB,
    sockets: c.sockets,
    loopP99Ms: c.loopP99Ms,
    diskWriteMBps: c.diskWriteMBps,
    cacheMBPerFarmPerDay: c.extra.cacheMBPerFarmPerDay ?? 0,
    readingsPerS: c.readingsPerS,
    sentPerS: f.sentPerS,
    targetPerS: n * 10,
    generatorCpuPct: f.cpuPctOfOneCoreTotal,
    generatorProcesses: f.processes,
    generatorLimited: f.generatorLimited,
    // Received within 5 % of sent: the core kept pace (more means it was draining a backlog, less falling behind).
    coreKeptUp: Math.abs(c.readingsPerS - f.sentPerS) <= 0.05 * f.sentPerS,
  });
}

const fitted = rows.filter(
  (r): r is Required<CurveRow> =>
    !r.error && !r.generatorLimited && r.coreKeptUp === true && r.liveFarms === r.farms,
);
const line = (key: 'cpuPctOfOneCore' | 'rssPeakMB' | 'heapLiveMB' | 'diskWriteMBps', digits: number) => {
  if (fitted.length < 2) return null;
  const f = fitLine(
    fitted.map((r) => r.farms),
    fitted.map((r) => r[key]),
  );
  return { perFarm: round(f.slope, digits), fixed: round(f.fixed, 1) };
};
const perFarm = {
  cpuPctOfOneCore: line('cpuPctOfOneCore', 5),
  rssMB: line('rssPeakMB', 4),
  heapLiveMB: line('heapLiveMB', 4),
  diskWriteMBps: line('diskWriteMBps', 6),
};
/** Where the fitted line crosses the budget (null: no growth measured). */
const within = (budget: number, l: { perFarm: number; fixed: number } | null) =>
  l && l.perFarm > 0 ? Math.floor((budget - l.fixed) / l.perFarm) : null;
const runsOut = {
  budget: BUDGET,
  byCpu: within(BUDGET.cpuPctOfOneCore, perFarm.cpuPctOfOneCore),
  byRss: within(BUDGET.rssMB, perFarm.rssMB),
  firstMeasuredOverBudget:
    rows.find((r) => r.cpuPctOfOneCore! >= BUDGET.cpuPctOfOneCore || r.rssPeakMB! >= BUDGET.rssMB)?.farms ??
    null,
};
const summary = { rows, perFarm, runsOut, baseline, seconds, warmup };
console.log(
  JSON.stringify(
    {
      bench: 'farms-curve',
      sensorsPerFarm: 10,
      hz: 1,
      seconds,
      warmupS: warmup,
      rows,
      perFarmCore: perFarm,
      desktopRunsOut: runsOut,
      baselineBareWs: baseline && {
        farms: baseline.farms,
        bare: { cpuPctOfOneCore: baseline.bare.cpuPctOfOneCore, rssMB: baseline.bare.rssMB },
        ratios: {
          cpu: round(baseline.core.cpuPctOfOneCore / Math.max(0.1, baseline.bare.cpuPctOfOneCore), 2),
          rss: round(baseline.core.rssMB / baseline.bare.rssMB, 2),
        },
      },
      // bench/run.ts: `markdown` goes into docs/benchmarks.md above this output, `files` are written under docs/.
      markdown: curveMarkdown(summary),
      files: { 'benchmarks-scale.svg': curveSvg(rows, BUDGET) },
      pass: rows.some((r) => r.farms === 1_000 && !('error' in r && r.error)),
    },
    null,
    2,
  ),
);
