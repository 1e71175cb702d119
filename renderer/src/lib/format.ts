/** Numbers, dates and ages for people, via Intl, in the farm's time zone where one is known. */
import { type Lang, localeOf } from './i18n.ts';

/** Intl throws on an unknown zone; a farm with a bad zone falls back to this computer's zone. */
export function safeTimeZone(timeZone: string | undefined): string | undefined {
  if (!timeZone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

export function formatNumber(lang: Lang, value: number, maxDigits = 1): string {
  return new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: maxDigits }).format(value);
}

/** A date and time; with `timeZone` the farm's wall clock, otherwise this computer's. */
export function formatDateTime(lang: Lang, at: number | string, timeZone?: string): string {
  const date = typeof at === 'number' ? new Date(at) : new Date(at);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(localeOf(lang), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: safeTimeZone(timeZone),
  }).format(date);
}

/** Axis ticks: time only within a day, date and time for longer spans. */
export function formatTick(lang: Lang, ts: number, spanMs: number, timeZone?: string): string {
  const options: Intl.DateTimeFormatOptions =
    spanMs <= 36 * 3600_000
      ? { hour: '2-digit', minute: '2-digit' }
      : spanMs <= 10 * 86_400_000
        ? { weekday: 'short', hour: '2-digit', minute: '2-digit' }
        : { day: 'numeric', month: 'short' };
  return new Intl.DateTimeFormat(localeOf(lang), { ...options, timeZone: safeTimeZone(timeZone) }).format(ts);
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
      return new Intl.NumberFormat(localeOf(lang), { style: 'unit', unit, unitDisplay: 'short' }).format(
        Math.floor(s / size),
      );
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
