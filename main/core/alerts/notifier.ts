/**
 * Where notices go to reach a person. The core never imports Electron: the Electron shell wires a
 * callback that shows an OS `Notification`; the browser host has none (its renderer gets the same notices
 * through the `alertsChanged` event and shows them with the browser's Notification API).
 */
import type { AlertNotice } from '../../../protocol/app/index.ts';
import type { Logger } from '../../../kit/log.ts';

export interface Notifier {
  notify(notice: AlertNotice): void | Promise<void>;
}

export interface DesktopNotification {
  title: string;
  body: string;
  /** critical notices should stay until dismissed (Electron: `urgency: 'critical'` on Linux). */
  urgent: boolean;
  /** Same tag = replaces an earlier notice about the same thing. */
  tag: string;
}

/** A notifier that hands each notice to `show` (e.g. `(n) => new Notification(n).show()` in Electron main). */
export function createCallbackNotifier(
  show: (n: DesktopNotification) => void | Promise<void>,
  log?: Logger,
): Notifier {
  return {
    async notify(notice) {
      try {
        await show({
          title: notice.title,
          body: notice.body,
          urgent: notice.severity === 'critical',
          tag: notice.alertIds.length === 1 ? notice.alertIds[0]! : notice.id,
        });
      } catch (err) {
        log?.warn('desktop notification failed', { err });
      }
    },
  };
}
