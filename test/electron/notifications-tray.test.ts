/** Notifications that lead somewhere, and the tray / dock presence (pure parts, fake Electron objects). */
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../kit/log.ts';
import type { Alert, FarmSummary } from '../../protocol/app/index.ts';
import {
  createAlertNotifications,
  noticeRoute,
  noticeText,
  type NotificationLike,
} from '../../main/electron/notifications.ts';
import {
  badgeText,
  createPresence,
  trayBitmap,
  trayTooltip,
  type TrayLike,
} from '../../main/electron/tray.ts';
import { alert, notice } from './alert-fixtures.ts';

const known = (...alerts: Alert[]) => new Map(alerts.map((a) => [a.id, a]));

function fakeApi(supported = true) {
  const made: (NotificationLike & {
    options: { title: string; body: string };
    emit(e: string): void;
    closed: boolean;
  })[] = [];
  return {
    made,
    api: {
      isSupported: () => supported,
      create: (options: { title: string; body: string }) => {
        const listeners = new Map<string, () => void>();
        const n = {
          options,
          closed: false,
          show: vi.fn(),
          close() {
            n.closed = true;
            listeners.get('close')?.();
          },
          on: (e: string, l: () => void) => listeners.set(e, l),
          emit: (e: string) => listeners.get(e)?.(),
        };
        made.push(n);
        return n;
      },
    },
  };
}

describe('notification routes and words', () => {
  it('leads to the farm when a notice is about one, else to the Alerts view', () => {
    const k = known(alert('a', 'f/1'), alert('b', 'f/1'), alert('c', 'f2'));
    expect(noticeRoute(notice(['a']), k)).toBe('#/farms/f%2F1');
    expect(noticeRoute(notice(['a', 'b']), k)).toBe('#/farms/f%2F1');
    expect(noticeRoute(notice(['a', 'c']), k)).toBe('#/alerts');
    expect(noticeRoute(notice(['unknown']), k)).toBe('#/alerts');
  });

  it("speaks the app's language", () => {
    const k = known(alert('a', 'f1', 'Северное'), alert('c', 'f2', 'Южное'));
    expect(noticeText(notice(['a']), k, 'en').title).toBe('North: soil moisture below 20 %');
    expect(noticeText(notice(['a']), k, 'ru')).toEqual({
      title: 'Северное: тревога',
      body: 'Soil too dry (критическая)',
    });
    expect(noticeText(notice(['a'], { type: 'resolved', severity: 'info' }), k, 'ru').title).toBe(
      'Северное: тревога снята',
    );
    expect(noticeText(notice(['a', 'c'], { type: 'summary' }), k, 'ru')).toEqual({
      title: 'Изменений тревог: 2',
      body: 'Северное, Южное',
    });
  });
});

describe('desktop notifications', () => {
  it('replaces a repeat by tag and opens the farm on click', () => {
    const { api, made } = fakeApi();
    const open = vi.fn();
    const n = createAlertNotifications({ api, lang: () => 'en', open, log: silentLogger });
    n.onAlertsChanged({
      changed: [alert('a', 'f1')],
      counts: { firing: 1, acknowledged: 0 },
      notices: [notice(['a'])],
    });
    n.onAlertsChanged({ changed: [], counts: { firing: 1, acknowledged: 0 }, notices: [notice(['a'])] });
    expect(made).toHaveLength(2);
    expect(made[0]!.closed).toBe(true);
    expect([...n.open.keys()]).toEqual(['a']);
    made[1]!.emit('click');
    expect(open).toHaveBeenCalledWith('#/farms/f1');
    made[1]!.close();
    expect(n.open.size).toBe(0);
  });

  it('shows nothing, and says it is unsupported, where the OS has no notifications', () => {
    const { api, made } = fakeApi(false);
    const n = createAlertNotifications({ api, lang: () => 'en', open: vi.fn(), log: silentLogger });
    n.onAlertsChanged({
      changed: [alert('a', 'f1')],
      counts: { firing: 1, acknowledged: 0 },
      notices: [notice(['a'])],
    });
    expect(n.supported).toBe(false);
    expect(made).toHaveLength(0);
  });
});

describe('tray and dock', () => {
  const summary = (farmId: string, displayName: string, overall: string) =>
    ({ farmId, displayName, health: { overall } }) as unknown as FarmSummary;

  it('words the tooltip with the firing count and the worst farm', () => {
    expect(trayTooltip({ firing: 0, acknowledged: 2 }, undefined, 'en')).toBe('Agromesh — no alerts firing');
    expect(trayTooltip({ firing: 4, acknowledged: 0 }, { name: 'North', health: 'offline' }, 'en')).toBe(
      'Agromesh — 4 alerts firing; worst farm: North (offline)',
    );
    expect(trayTooltip({ firing: 1, acknowledged: 0 }, { name: 'Север', health: 'stale' }, 'ru')).toBe(
      'Agromesh — активных тревог: 1; худшая ферма: Север (устаревшие данные)',
    );
    expect([
      badgeText({ firing: 0, acknowledged: 1 }),
      badgeText({ firing: 7, acknowledged: 0 }),
      badgeText({ firing: 120, acknowledged: 0 }),
    ]).toEqual(['', '7', '99+']);
  });

  it('draws a 16×16 icon without any file', () => {
    const bmp = trayBitmap('alert');
    expect(bmp.length).toBe(16 * 16 * 4);
    expect([...bmp.subarray((8 * 16 + 8) * 4, (8 * 16 + 8) * 4 + 4)]).toEqual([0x2f, 0x2f, 0xd3, 255]);
    expect(bmp[3]).toBe(0);
  });

  function presence(platform: NodeJS.Platform) {
    const tray: TrayLike & { tooltip?: string; image?: unknown; menu?: unknown; click?: () => void } = {
      setToolTip: (t) => void (tray.tooltip = t),
      setImage: (i) => void (tray.image = i),
      setContextMenu: (m) => void (tray.menu = m),
      on: (_e, l) => void (tray.click = l),
      destroy: vi.fn(),
    };
    const actions = { openWindow: vi.fn(), openAlerts: vi.fn(), quit: vi.fn() };
    const setBadge = vi.fn();
    const p = createPresence({
      platform,
      lang: () => 'en',
      actions,
      createTray: (image) => Object.assign(tray, { image }),
      image: (c) => c,
      menu: (t) => t,
      setBadge,
    });
    return { p, tray, actions, setBadge };
  }

  it('keeps the tray count, colour and worst farm in step (Windows, Linux)', () => {
    const { p, tray, actions } = presence('linux');
    expect(p.hasTray).toBe(true);
    expect(tray.image).toBe('ok');
    p.onFarmsChanged({
      changed: [summary('f1', 'North', 'degraded'), summary('f2', 'South', 'ok')],
      removed: [],
    });
    expect(tray.image).toBe('warn');
    expect(tray.tooltip).toBe('Agromesh — no alerts firing; worst farm: North (degraded)');
    p.onAlertsChanged({ changed: [], counts: { firing: 2, acknowledged: 0 }, notices: [] });
    expect(tray.image).toBe('alert');
    expect(tray.tooltip).toMatch(/^Agromesh — 2 alerts firing/);
    p.onFarmsChanged({ changed: [], removed: ['f1'] });
    expect(tray.tooltip).toBe('Agromesh — 2 alerts firing');
    const menu = tray.menu as { id?: string; click?: () => void }[];
    expect(menu.map((i) => i.id)).toEqual(['open', 'alerts', undefined, 'quit']);
    menu.find((i) => i.id === 'alerts')!.click!();
    menu.find((i) => i.id === 'quit')!.click!();
    tray.click!();
    expect(actions.openAlerts).toHaveBeenCalledOnce();
    expect(actions.quit).toHaveBeenCalledOnce();
    expect(actions.openWindow).toHaveBeenCalledOnce();
  });

  it('uses the dock badge on macOS instead of a tray', () => {
    const { p, setBadge } = presence('darwin');
    expect(p.hasTray).toBe(false);
    p.onAlertsChanged({ changed: [], counts: { firing: 5, acknowledged: 0 }, notices: [] });
    expect(setBadge).toHaveBeenLastCalledWith('5');
    p.setCounts({ firing: 0, acknowledged: 0 });
    expect(setBadge).toHaveBeenLastCalledWith('');
  });

  it('starts without a tray where the desktop has none (and then quits with the window)', () => {
    const onError = vi.fn();
    const p = createPresence({
      platform: 'linux',
      lang: () => 'en',
      actions: { openWindow: vi.fn(), openAlerts: vi.fn(), quit: vi.fn() },
      createTray: () => {
        throw new Error('no StatusNotifier host');
      },
      image: (c) => c,
      menu: (t) => t,
      setBadge: vi.fn(),
      onError,
    });
    expect(p.hasTray).toBe(false);
    expect(onError).toHaveBeenCalledOnce();
    expect(() =>
      p.onAlertsChanged({ changed: [], counts: { firing: 1, acknowledged: 0 }, notices: [] }),
    ).not.toThrow();
  });
});
