import { describe, expect, it } from 'vitest';
import { navSection, parseRoute, routeHref } from '../../renderer/src/lib/route.ts';
import { resolveThemeMode } from '../../renderer/src/lib/theme-mode.ts';
import { adviceFor, toShownError } from '../../renderer/src/lib/errors.ts';

describe('hash routes', () => {
  it('parses top views, farm deep links and unknown paths', () => {
    expect(parseRoute('')).toEqual({ view: 'map' });
    expect(parseRoute('#/farms')).toEqual({ view: 'farms' });
    expect(parseRoute('#/farms/')).toEqual({ view: 'farms' });
    expect(parseRoute('#/farms/north%20field')).toEqual({ view: 'farm', farmId: 'north field' });
    expect(parseRoute('#/settings')).toEqual({ view: 'settings' });
    expect(parseRoute('#/alerts')).toEqual({ view: 'alerts' });
    expect(parseRoute('#/alerts/kuban-south')).toEqual({ view: 'alerts', farmId: 'kuban-south' });
    expect(parseRoute('#/nope/x')).toEqual({ view: 'notFound', path: 'nope/x' });
    expect(parseRoute('#/farms/%E0%A4%A')).toEqual({ view: 'notFound', path: 'farms/%E0%A4%A' });
  });

  it('round-trips hrefs and marks the farm detail under Farms', () => {
    const route = { view: 'farm', farmId: 'a/b c' } as const;
    expect(parseRoute(routeHref(route))).toEqual(route);
    expect(navSection(route)).toBe('farms');
    const alerts = { view: 'alerts', farmId: 'a/b c' } as const;
    expect(parseRoute(routeHref(alerts))).toEqual(alerts);
    expect(routeHref({ view: 'alerts' })).toBe('#/alerts');
    expect(navSection(alerts)).toBe('alerts');
    expect(navSection({ view: 'notFound', path: 'x' })).toBeUndefined();
  });
});

describe('theme and errors', () => {
  it("resolves 'system' from prefers-color-scheme", () => {
    expect(resolveThemeMode('system', true)).toBe('dark');
    expect(resolveThemeMode('system', false)).toBe('light');
    expect(resolveThemeMode('light', true)).toBe('light');
  });

  it('keeps the API error message and gives advice by code', () => {
    const e = toShownError({
      code: 'UNAVAILABLE',
      message: 'History needs a tailnet connection; set one up in Settings.',
    });
    expect(e.message).toContain('History needs');
    expect(adviceFor(e.code)).toBe('adviceUnavailable');
    expect(adviceFor('SOMETHING_NEW')).toBe('adviceDefault');
    expect(toShownError('boom')).toEqual({ code: 'INTERNAL', message: 'boom' });
  });
});
