import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatDateTime,
  formatNumber,
  formatRelative,
  fromLocalInput,
  safeTimeZone,
  timeTicks,
  toLocalInput,
  tzOffsetMs,
} from '../../renderer/src/lib/format.ts';
import { ageSeconds, isStale, newestTs } from '../../renderer/src/lib/staleness.ts';
import { convertMaybe, convertValue, displayUnit } from '../../renderer/src/lib/units.ts';

describe('formatting', () => {
  it('formats numbers per language', () => {
    expect(formatNumber('en', 1234.56)).toBe('1,234.6');
    expect(formatNumber('ru', 1234.56).replace(/\s/g, ' ')).toBe('1 234,6');
  });

  it("shows times in the farm's time zone", () => {
    const ts = Date.parse('2026-05-20T09:30:00Z');
    expect(formatDateTime('en', ts, 'Europe/Moscow')).toContain('12:30');
    expect(formatDateTime('en', ts, 'Asia/Tokyo')).toContain('18:30');
  });

  it('falls back to local time for an unknown zone instead of throwing', () => {
    expect(safeTimeZone('Mars/Olympus')).toBeUndefined();
    expect(safeTimeZone('Europe/Moscow')).toBe('Europe/Moscow');
    expect(() => formatDateTime('en', 0, 'Mars/Olympus')).not.toThrow();
    expect(formatDateTime('en', 'not a date')).toBe('—');
  });

  it('formats ages compactly in both languages', () => {
    // Exact abbreviations come from ICU ("5 mins" in en-GB); the unit and the number are what matter.
    expect(formatAge('en', 5)).toMatch(/^5 sec/);
    expect(formatAge('en', 300)).toMatch(/^5 min/);
    expect(formatAge('en', 89 * 60)).toMatch(/^89 min/);
    expect(formatAge('en', 3 * 3600)).toMatch(/^3 h/);
    expect(formatAge('en', 3 * 86_400)).toMatch(/^3 day/);
    expect(formatAge('ru', 300)).toMatch(/^5 мин/);
    expect(formatAge('en', -10)).toMatch(/^0 sec/);
  });

  it('formats relative times', () => {
    const now = Date.parse('2026-05-20T09:30:00Z');
    expect(formatRelative('en', now + 3 * 86_400_000, now)).toBe('in 3 days');
    expect(formatRelative('en', now - 2 * 3600_000, now)).toBe('2 hours ago');
  });

  it('round-trips datetime-local input values', () => {
    const ms = new Date(2026, 4, 20, 9, 30).getTime();
    expect(fromLocalInput(toLocalInput(ms))).toBe(ms);
    expect(fromLocalInput('garbage')).toBeUndefined();
  });
});

describe('staleness', () => {
  const now = 1_000_000_000;
  it('is stale past the threshold or when the gateway says so', () => {
    expect(isStale({ ts: now - 119_000, quality: 'ok' }, now, 120)).toBe(false);
    expect(isStale({ ts: now - 121_000, quality: 'ok' }, now, 120)).toBe(true);
    expect(isStale({ ts: now, quality: 'stale' }, now, 120)).toBe(true);
    expect(ageSeconds(now + 5000, now)).toBe(0);
  });
  it('finds the newest reading', () => {
    expect(newestTs([{ ts: 3 }, { ts: 9 }, { ts: 5 }])).toBe(9);
    expect(newestTs([])).toBeNull();
  });
});

describe('units', () => {
  it('converts metric to imperial and keeps unknown units', () => {
    expect(convertValue(100, '°C', 'imperial')).toBe(212);
    expect(displayUnit('°C', 'imperial')).toBe('°F');
    expect(convertValue(25.4, 'mm', 'imperial')).toBeCloseTo(1);
    expect(convertValue(42, '%', 'imperial')).toBe(42);
    expect(displayUnit('%', 'imperial')).toBe('%');
    expect(convertValue(20, '°C', 'metric')).toBe(20);
    expect(convertMaybe(null, '°C', 'imperial')).toBeNull();
  });
});

describe('time axis ticks', () => {
  it('picks round steps, about one per 110 px, on the farm wall clock', () => {
    const from = Date.parse('2026-05-20T00:00:00Z');
    const day = 86_400_000;
    const ticks = timeTicks(from, from + 7 * day, 880, 110, 'Europe/Moscow');
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(ticks.length).toBeLessThanOrEqual(8);
    // Moscow midnight is 21:00 UTC.
    for (const t of ticks) expect(new Date(t).getUTCHours()).toBe(21);
    const hourly = timeTicks(from + 60_000, from + 6 * 3600_000, 660);
    expect(hourly.every((t) => t % 3600_000 === 0)).toBe(true);
    expect(timeTicks(5, 5, 100)).toEqual([]);
  });

  it('knows zone offsets', () => {
    const at = Date.parse('2026-01-15T12:00:00Z');
    expect(tzOffsetMs('Europe/Moscow', at)).toBe(3 * 3600_000);
    expect(tzOffsetMs('America/New_York', at)).toBe(-5 * 3600_000);
    expect(tzOffsetMs('Asia/Kolkata', at)).toBe(5.5 * 3600_000);
    expect(tzOffsetMs(undefined, at)).toBe(0);
  });
});
