/** Numbers, dates and ages for people, via Intl, in the farm's time zone where one is known. */
import { type Lang, localeOf } from './i18n.ts';

/** Intl throws on an unknown zone; a farm with a bad zone falls back to this computer's zone. */
export function safeTimeZone(timeZone: string | undefined): string | undefined {
  if (!timeZone) return undefined;
  let ok = validZones.get(timeZone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone });
      ok = true;
    } catch {
      ok = false;
    }
    validZones.set(timeZone, ok);
  }
  return ok ? timeZone : undefined;
}

/** Intl formatters are costly to build (charts format hundreds of ticks): keep one per option set. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function dateFormat(lang: Lang, options: Intl.DateTimeFormatOptions, timeZone?: string): Intl.DateTimeFormat {
  const tz = safeTimeZone(timeZone);
  const key = `${lang}|${tz ?? ''}|${JSON.stringify(options)}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(localeOf(lang), { ...options, timeZone: tz })));
  return f;
}

function numberFormat(lang: Lang, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${lang}|${JSON.stringify(options)}`;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(localeOf(lang), options)));
  return f;
}

const validZones = new Map<string, boolean>();

export function formatNumber(lang: Lang, value: number, maxDigits = 1): string {
  return numberFormat(lang, { maximumFractionDigits: maxDigits }).format(value);
}

/** This computer's zone: a time in any other zone is labelled with that zone's name. */
const computerZone = new Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * A date and time; with `timeZone` that zone's wall clock (the farm's), labelled ("GMT+3") when it is not
 * this computer's; otherwise this computer's. `seconds` for logs, where order within a minute matters.
 */
export function formatDateTime(
  lang: Lang,
  at: number | string,
  timeZone?: string,
  options: { seconds?: boolean } = {},
): string {
  const date = typeof at === 'number' ? new Date(at) : new Date(at);
  if (Number.isNaN(date.getTime())) return '—';
  const tz = safeTimeZone(timeZone);
  const text = dateFormat(lang, { dateStyle: 'medium', timeStyle: options.seconds ? 'medium' : 'short' }, tz).format(
    date,
  );
  if (tz === undefined || tz === computerZone) return text;
  // dateStyle cannot be combined with timeZoneName, so the zone's short name comes from its own formatter.
  const zone = dateFormat(lang, { timeZoneName: 'short' }, tz)
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName')?.value;
  return zone ? `${text} ${zone}` : text;
}

const TICK_STEPS = [
  60_000,
  5 * 60_000,
  15 * 60_000,
  30 * 60_000,
  3600_000,
  2 * 3600_000,
  3 * 3600_000,
  6 * 3600_000,
  12 * 3600_000,
  86_400_000,
  2 * 86_400_000,
  7 * 86_400_000,
  14 * 86_400_000,
  30 * 86_400_000,
  90 * 86_400_000,
  365 * 86_400_000,
];

/**
 * Round time ticks for an axis `widthPx` wide, about one per `spacingPx`: computing them here keeps the
 * chart library from formatting and measuring a label for every candidate tick (which costs seconds).
 * Steps align to the farm's wall clock (midnight, whole hours) using its UTC offset at `from`.
 */
export function timeTicks(
  from: number,
  to: number,
  widthPx: number,
  spacingPx = 110,
  timeZone?: string,
): number[] {
  if (!(to > from) || widthPx <= 0) return [];
  const wanted = Math.max(2, Math.floor(widthPx / spacingPx));
  const step = TICK_STEPS.find((s) => (to - from) / s <= wanted) ?? TICK_STEPS[TICK_STEPS.length - 1]!;
  const offset = tzOffsetMs(timeZone, from);
  const ticks: number[] = [];
  for (let t = Math.ceil((from + offset) / step) * step - offset; t <= to && ticks.length < 100; t += step)
    ticks.push(t);
  return ticks;
}

/** The zone's offset from UTC at `at` in ms (Moscow: +3 h); 0 for an unknown zone. */
export function tzOffsetMs(timeZone: string | undefined, at: number): number {
  const tz = safeTimeZone(timeZone);
  if (!tz) return 0;
  const name = dateFormat('en', { timeZoneName: 'longOffset' }, tz)
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name ?? '');
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return (m[1] === '-' ? -1 : 1) * minutes * 60_000;
}

/** Axis ticks: time only within a day, date and time for longer spans. */
export function formatTick(lang: Lang, ts: number, spanMs: number, timeZone?: string): string {
  const options: Intl.DateTimeFormatOptions =
    spanMs <= 36 * 3600_000
      ? { hour: '2-digit', minute: '2-digit' }
      : spanMs <= 10 * 86_400_000
        ? { weekday: 'short', hour: '2-digit', minute: '2-digit' }
        : { day: 'numeric', month: 'short' };
  return dateFormat(lang, options, timeZone).format(ts);
}

const AGE_UNITS: [limitS: number, unit: 'second' | 'minute' | 'hour' | 'day', sizeS: number][] = [
  [90, 'second', 1],
  [90 * 60, 'minute', 60],
  [48 * 3600, 'hour', 3600],
  [Number.POSITIVE_INFINITY, 'day', 86_400],
];

/** A compact duration such as "5 min" or "3 d" (rounded down, never negative). */
export function formatAge(lang: Lang, seconds: number): string {
  const s = Math.max(0, seconds);
  for (const [limit, unit, size] of AGE_UNITS) {
    if (s < limit) {
      return numberFormat(lang, { style: 'unit', unit, unitDisplay: 'short' }).format(Math.floor(s / size));
    }
  }
  return String(s);
}

/** "in 3 days" / "2 hours ago", relative to `now`. */
export function formatRelative(lang: Lang, at: number | string, now: number): string {
  const t = typeof at === 'number' ? at : Date.parse(at);
  if (Number.isNaN(t)) return '—';
  const diffS = (t - now) / 1000;
  const abs = Math.abs(diffS);
  const rtf = new Intl.RelativeTimeFormat(localeOf(lang), { numeric: 'auto' });
  if (abs < 90) return rtf.format(Math.round(diffS), 'second');
  if (abs < 90 * 60) return rtf.format(Math.round(diffS / 60), 'minute');
  if (abs < 48 * 3600) return rtf.format(Math.round(diffS / 3600), 'hour');
  return rtf.format(Math.round(diffS / 86_400), 'day');
}

/** `datetime-local` input value (local wall clock) ⇄ epoch ms. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** "3.4 MB" (decimal units, as the OS shows file sizes). */
export function formatBytes(lang: Lang, bytes: number): string {
  let value = Math.max(0, bytes);
  let i = 0;
  while (value >= 1000 && i < BYTE_UNITS.length - 1) {
    value /= 1000;
    i++;
  }
  const unit = BYTE_UNITS[i]!;
  return numberFormat(lang, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(
    value,
  );
}
