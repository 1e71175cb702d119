/**
 * Notices in the browser host: the core cannot reach this screen's desktop, so it sends notices with
 * `alertsChanged` and the page shows them through the browser's Notification API — only with the user's
 * permission, and only outside Electron (where the main process shows them natively).
 */
import { useCallback, useEffect, useState } from 'react';
import type { AlertNotice } from '../../../../protocol/app/index.ts';
import { useApp } from '../../app/context.tsx';

export type NoticePermission = 'granted' | 'denied' | 'default' | 'unsupported';

function currentPermission(): NoticePermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export function showBrowserNotice(notice: AlertNotice): void {
  if (currentPermission() !== 'granted') return;
  try {
    new Notification(notice.title, {
      body: notice.body,
      tag: notice.alertIds.length === 1 ? notice.alertIds[0] : notice.id,
      requireInteraction: notice.severity === 'critical',
    });
  } catch {
    // Some browsers allow notifications only from a service worker; the in-app badge still shows the alert.
  }
}

/** Shows pushed notices as browser notifications (browser host only; mount once, e.g. via AlertBadge). */
export function useBrowserNotices(enabled = true): void {
  const { api, info } = useApp();
  const active = enabled && info?.host === 'browser';
  useEffect(() => {
    if (!active) return;
    return api.on('alertsChanged', (e) => e.notices.forEach(showBrowserNotice));
  }, [api, active]);
}

/** Permission state and the request (which needs a click); `unsupported` outside the browser host. */
export function useNoticePermission(): { permission: NoticePermission; request: () => void } {
  const { info } = useApp();
  const [permission, setPermission] = useState<NoticePermission>(currentPermission);
  const request = useCallback(() => {
    if (typeof Notification === 'undefined') return;
    void Notification.requestPermission().then(setPermission, () => setPermission(currentPermission()));
  }, []);
  return { permission: info?.host === 'browser' ? permission : 'unsupported', request };
}
