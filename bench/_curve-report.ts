/**
 * The scale curve as a reader sees it: a markdown table and a hand-written SVG plot (CPU and RSS against
 * farms, budget lines dashed), from bench/farms-curve.ts's rows. No chart library: the plot is a few lines.
 */

export interface CurveRow {
  farms: number;
  error?: string;
  liveFarms?: number;
  cpuPctOfOneCore?: number;
  rssAfterWarmupMB?: number;
  rssPeakMB?: number;
  rssSlopeMBPerMin?: number;
  heapLiveMB?: number;
  sockets?: number;
  loopP99Ms?: number;
  diskWriteMBps?: number;
  cacheMBPerFarmPerDay?: number;
  readingsPerS?: number;
  sentPerS?: number;
  targetPerS?: number;
  generatorCpuPct?: number;
  generatorProcesses?: number;
  generatorLimited?: boolean;
  coreKeptUp?: boolean;
}

type Line = { perFarm: number; fixed: number } | null;

export interface CurveSummary {
  rows: CurveRow[];
  perFarm: { cpuPctOfOneCore: Line; rssMB: Line; heapLiveMB: Line; diskWriteMBps: Line };
  runsOut: {
    budget: { cpuPctOfOneCore: number; rssMB: number };
    byCpu: number | null;
    byRss: number | null;
    firstMeasuredOverBudget: number | null;
  };
  seconds: number;
  warmup: number;
}

const n = (v: number | undefined, digits = 1) =>
  v === undefined ? '' : v.toLocaleString('en-US', { maximumFractionDigits: digits });

export function curveMarkdown(s: CurveSummary): string {
  const head =
    '| Farms | Live | CPU, % of one core | RSS after warm-up → peak, MB | RSS slope, MB/min | Live heap, MB | Sockets | Loop p99, ms | Disk writes, MB/s | Cache, MB/farm/day | Readings/s received / sent (target) | Generator CPU, % |\n' +
    '| ----: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n';
  const body = s.rows
    .map((r) =>
      r.error
        ? `| ${n(r.farms)} | did not run: ${r.error} |||||||||||`
        : `| ${n(r.farms)} | ${n(r.liveFarms)} | ${n(r.cpuPctOfOneCore)} | ${n(r.rssAfterWarmupMB)} → ${n(r.rssPeakMB)} | ${n(r.rssSlopeMBPerMin)} | ${n(r.heapLiveMB)} | ${n(r.sockets, 0)} | ${n(r.loopP99Ms)} | ${n(r.diskWriteMBps, 2)} | ${n(r.cacheMBPerFarmPerDay)} | ${n(r.readingsPerS, 0)} / ${n(r.sentPerS, 0)} (${n(r.targetPerS, 0)})${r.coreKeptUp === false ? ', **behind**' : ''} | ${n(r.generatorCpuPct)} in ${n(r.generatorProcesses)} process${r.generatorProcesses === 1 ? '' : 'es'}${r.generatorLimited ? ', **generator-limited**' : ''} |`,
    )
    .join('\n');
  const p = s.perFarm;
  const per = (l: Line, unit: string, digits: number) =>
    l ? `${n(l.perFarm, digits)} ${unit} per farm (fixed part ${n(l.fixed)})` : 'not fitted (too few sizes)';
  const out = s.runsOut;
  return (
    '### Control-room scale curve\n\n' +
    `10 sensors per farm at 1 Hz; ${s.warmup} s warm-up after every farm is live, then a ${s.seconds} s window per size, one size at a time. ` +
    'Rows marked generator-limited are the fleet simulator saturating this machine, not the core; rows marked behind are the core not keeping pace ' +
    '(received strays over 5 % from sent, e.g. draining a backlog). Both are left out of the per-farm line.\n\n' +
    head +
    body +
    '\n\n![Control-room core: CPU and RSS against farms](benchmarks-scale.svg)\n\n' +
    `- Per farm: CPU ${per(p.cpuPctOfOneCore, '% of one core', 5)}; RSS ${per(p.rssMB, 'MB', 3)}; live heap ${per(p.heapLiveMB, 'MB', 3)}; disk writes ${per(p.diskWriteMBps, 'MB/s', 5)}.\n` +
    `- Budget ${out.budget.cpuPctOfOneCore} % of one core, ${out.budget.rssMB} MB RSS: the line reaches it at ${out.byCpu === null ? 'no' : n(out.byCpu, 0)} farms by CPU and ${out.byRss === null ? 'no' : n(out.byRss, 0)} by RSS` +
    `${out.firstMeasuredOverBudget === null ? '' : `; the first measured size over budget is ${n(out.firstMeasuredOverBudget, 0)} farms`}.\n`
  );
}

/** CPU (left axis) and RSS (right axis) against farms on a log axis, with the budget as dashed lines. */
export function curveSvg(rows: CurveRow[], budget: { cpuPctOfOneCore: number; rssMB: number }): string {
  const ok = rows.filter((r) => !r.error && r.cpuPctOfOneCore !== undefined && r.rssPeakMB !== undefined);
  const W = 640;
  const H = 360;
  const L = 60;
  const R = 580;
  const T = 30;
  const B = 300;
  const xs = ok.map((r) => r.farms);
  const x0 = Math.log10(Math.min(100, ...xs));
  const x1 = Math.log10(Math.max(10_000, ...xs));
  const cpuMax = Math.max(budget.cpuPctOfOneCore * 1.2, ...ok.map((r) => r.cpuPctOfOneCore! * 1.1));
  const rssMax = Math.max(budget.rssMB * 1.2, ...ok.map((r) => r.rssPeakMB! * 1.1));
  const x = (farms: number) => L + ((Math.log10(farms) - x0) / (x1 - x0)) * (R - L);
  const yc = (v: number) => B - (v / cpuMax) * (B - T);
  const yr = (v: number) => B - (v / rssMax) * (B - T);
  const f = (v: number) => v.toFixed(1);
  const poly = (pts: Array<[number, number]>, color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([a, b]) => `${f(a)},${f(b)}`).join(' ')}"/>` +
    pts.map(([a, b]) => `<circle cx="${f(a)}" cy="${f(b)}" r="3.5" fill="${color}"/>`).join('');
  const ticks = [100, 300, 1_000, 3_000, 10_000].filter((t) => Math.log10(t) >= x0 && Math.log10(t) <= x1);
  const limited = ok.filter((r) => r.generatorLimited);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">Control-room core, 10 sensors per farm at 1 Hz</text>`,
    `<line x1="${L}" y1="${B}" x2="${R}" y2="${B}" stroke="#444"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${B}" stroke="#1f6fb4"/>`,
    `<line x1="${R}" y1="${T}" x2="${R}" y2="${B}" stroke="#c0392b"/>`,
    ...ticks.map(
      (t) =>
        `<line x1="${f(x(t))}" y1="${B}" x2="${f(x(t))}" y2="${B + 5}" stroke="#444"/><text x="${f(x(t))}" y="${B + 18}" text-anchor="middle">${t.toLocaleString('en-US')}</text>`,
    ),
    `<text x="${(L + R) / 2}" y="${H - 12}" text-anchor="middle">farms (log scale)</text>`,
    ...[0, 0.25, 0.5, 0.75, 1].map(
      (k) =>
        `<text x="${L - 6}" y="${f(yc(cpuMax * k) + 4)}" text-anchor="end" fill="#1f6fb4">${(cpuMax * k).toFixed(0)}</text>` +
        `<text x="${R + 6}" y="${f(yr(rssMax * k) + 4)}" fill="#c0392b">${(rssMax * k).toFixed(0)}</text>`,
    ),
    `<text x="14" y="${(T + B) / 2}" transform="rotate(-90 14 ${(T + B) / 2})" text-anchor="middle" fill="#1f6fb4">CPU, % of one core</text>`,
    `<text x="${W - 8}" y="${(T + B) / 2}" transform="rotate(90 ${W - 8} ${(T + B) / 2})" text-anchor="middle" fill="#c0392b">RSS, MB (peak)</text>`,
    `<line x1="${L}" y1="${f(yc(budget.cpuPctOfOneCore))}" x2="${R}" y2="${f(yc(budget.cpuPctOfOneCore))}" stroke="#1f6fb4" stroke-dasharray="5 4" opacity="0.6"/>`,
    `<text x="${L + 4}" y="${f(yc(budget.cpuPctOfOneCore) - 4)}" fill="#1f6fb4">budget ${budget.cpuPctOfOneCore} %</text>`,
    `<line x1="${L}" y1="${f(yr(budget.rssMB))}" x2="${R}" y2="${f(yr(budget.rssMB))}" stroke="#c0392b" stroke-dasharray="5 4" opacity="0.6"/>`,
    `<text x="${R - 4}" y="${f(yr(budget.rssMB) - 4)}" text-anchor="end" fill="#c0392b">budget ${budget.rssMB} MB</text>`,
    poly(
      ok.map((r) => [x(r.farms), yc(r.cpuPctOfOneCore!)]),
      '#1f6fb4',
    ),
    poly(
      ok.map((r) => [x(r.farms), yr(r.rssPeakMB!)]),
      '#c0392b',
    ),
    ...limited.map(
      (r) =>
        `<text x="${f(x(r.farms))}" y="${f(yc(r.cpuPctOfOneCore!) - 10)}" text-anchor="middle" font-size="11">generator-limited</text>`,
    ),
    '</svg>',
    '',
  ].join('\n');
}
