/**
 * Desktop notifications for alert notices that lead somewhere: a click brings the window forward on the
 * farm (or the Alerts view when several farms are involved); a repeat with the same tag replaces the
 * earlier one; the words follow the app's language. Fed by the core's `alertsChanged` event, whose
 * `changed` alerts tell which farm each notice is about. Electron's Notification is passed in.
 */
import type { Alert, AlertNotice, EventPayload } from '../../protocol/app/index.ts';
import type { Logger } from '../../kit/log.ts';
import type { Lang } from '../../protocol/i18n.ts';
import { shellT } from './shell-text.ts';

export interface NotificationLike {
  show(): void;
  close(): void;
  on(event: 'click' | 'close', listener: () => void): unknown;
}

export interface NotificationApi {
  isSupported(): boolean;
  create(options: { title: string; body: string; urgency: 'normal' | 'critical' }): NotificationLike;
}

type Known = Pick<Alert, 'farmId' | 'farmName' | 'ruleName' | 'severity'>;

const SEVERITY_RU: Record<Alert['severity'], string> = {
  info: 'информация',
  warning: 'предупреждение',
  critical: 'критическая',
};

/** One tag per alert, or per notice when it is about several (as the core's notifier does). */
export function noticeTag(notice: AlertNotice): string {
  return notice.alertIds.length === 1 ? notice.alertIds[0]! : notice.id;
}

function farmsOf(notice: AlertNotice, known: ReadonlyMap<string, Known>): Known[] | undefined {
  const list = notice.alertIds.map((id) => known.get(id));
  return list.every((k) => k !== undefined) ? list : undefined;
}

/** Where a click leads: the farm when the notice is about one, else the Alerts view. */
export function noticeRoute(notice: AlertNotice, known: ReadonlyMap<string, Known>): string {
  const list = farmsOf(notice, known);
  const farms = new Set(list?.map((k) => k.farmId));
  return list && farms.size === 1 ? `#/farms/${encodeURIComponent([...farms][0]!)}` : '#/alerts';
}

/** The notice in the app's language: the core words it in English; Russian is built from its alerts. */
export function noticeText(
  notice: AlertNotice,
  known: ReadonlyMap<string, Known>,
  lang: Lang,
): { title: string; body: string } {
  const list = farmsOf(notice, known);
  if (lang === 'en' || !list || list.length === 0) return { title: notice.title, body: notice.body };
  const farms = [...new Set(list.map((k) => k.farmName))];
  const rules = [...new Set(list.map((k) => k.ruleName))];
  if (farms.length > 1 || notice.type === 'summary') {
    return { title: shellT(lang, 'summaryTitle', { n: list.length }), body: farms.slice(0, 5).join(', ') };
  }
  const key = notice.type === 'resolved' ? 'resolvedTitle' : 'firedTitle';
  const body =
    notice.type === 'resolved' ? rules.join(', ') : `${rules.join(', ')} (${SEVERITY_RU[notice.severity]})`;
  return { title: shellT(lang, key, { farm: farms[0]! }), body };
}

const MAX_KNOWN = 10_000;

export function createAlertNotifications(options: {
  api: NotificationApi;
  lang: () => Lang;
  /** A notification was clicked: bring the window forward at this hash route. */
  open: (route: string) => void;
  log: Logger;
}) {
  const { api, log } = options;
  const supported = (() => {
    try {
      return api.isSupported();
    } catch {
      return false;
    }
  })();
  const known = new Map<string, Known>();
  // Held so that a notification is not garbage-collected (and its click lost) while it is on screen.
  const shown = new Map<string, NotificationLike>();

  const remember = (alerts: readonly Alert[]) => {
    for (const a of alerts) {
      known.delete(a.id);
      known.set(a.id, { farmId: a.farmId, farmName: a.farmName, ruleName: a.ruleName, severity: a.severity });
    }
    for (const id of known.keys()) {
      if (known.size <= MAX_KNOWN) break;
      known.delete(id);
    }
  };

  const show = (notice: AlertNotice) => {
    const tag = noticeTag(notice);
    const route = noticeRoute(notice, known);
    shown.get(tag)?.close();
    shown.delete(tag);
    const { title, body } = noticeText(notice, known, options.lang());
    const n = api.create({ title, body, urgency: notice.severity === 'critical' ? 'critical' : 'normal' });
    shown.set(tag, n);
    n.on('click', () => options.open(route));
    n.on('close', () => {
      if (shown.get(tag) === n) shown.delete(tag);
    });
    n.show();
  };

  return {
    /** Alerts already open when the shell starts, so notices about them lead to their farm too. */
    remember,
    /** False where the OS shows no notifications (the app says so instead of failing silently). */
    supported,
    onAlertsChanged(payload: EventPayload<'alertsChanged'>): void {
      remember(payload.changed);
      if (!supported) return;
      for (const notice of payload.notices) {
        try {
          show(notice);
        } catch (err) {
          log.warn('desktop notification failed', { err });
        }
      }
    },
    /** Notifications on screen now, by tag (tests). */
    get open(): ReadonlyMap<string, NotificationLike> {
      return shown;
    },
    dispose(): void {
      for (const n of shown.values()) n.close();
      shown.clear();
    },
  };
}
