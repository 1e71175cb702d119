/**
 * The shell's own words (menu, tray, dialogs, notifications) in English and Russian. The renderer has its
 * own dictionaries (the main process cannot import them, and needs only these few lines); the mechanism,
 * language choice and placeholders, is the one in protocol/i18n.ts.
 */
import { fillTemplate, type Lang, type Vars } from '../../protocol/i18n.ts';

const en = {
  file: 'File',
  edit: 'Edit',
  view: 'View',
  go: 'Go',
  window: 'Window',
  help: 'Help',
  map: 'Map',
  farms: 'Farms',
  alerts: 'Alerts',
  commands: 'Commands',
  devices: 'Devices',
  settings: 'Settings…',
  documentation: 'Documentation',
  openLogFolder: 'Open Log Folder',
  keyboardShortcuts: 'Keyboard Shortcuts',
  openWindow: 'Open Agromesh',
  quit: 'Quit Agromesh',
  trayNone: 'Agromesh — no alerts firing',
  trayFiring: 'Agromesh — {n} alerts firing',
  trayWorst: 'worst farm: {farm} ({health})',
  startFailedTitle: 'Agromesh could not start',
  startFailed: 'Agromesh could not start: {what}',
  startTry: 'What to try:',
  tryTailscale: 'Check that Tailscale is installed and running (tailscaled), then start Agromesh again.',
  tryDataDir: 'Check that the data folder can be written: {dir}',
  tryAgain: 'Start Agromesh again; if it fails again, send the log to support.',
  startLog: 'The log is in {dir}',
  firedTitle: '{farm}: alert',
  resolvedTitle: '{farm}: alert cleared',
  summaryTitle: '{n} alert changes',
};
export type ShellKey = keyof typeof en;

const ru: Record<ShellKey, string> = {
  file: 'Файл',
  edit: 'Правка',
  view: 'Вид',
  go: 'Переход',
  window: 'Окно',
  help: 'Справка',
  map: 'Карта',
  farms: 'Фермы',
  alerts: 'Тревоги',
  commands: 'Команды',
  devices: 'Устройства',
  settings: 'Настройки…',
  documentation: 'Документация',
  openLogFolder: 'Открыть папку журналов',
  keyboardShortcuts: 'Сочетания клавиш',
  openWindow: 'Открыть Agromesh',
  quit: 'Выйти из Agromesh',
  trayNone: 'Agromesh — тревог нет',
  trayFiring: 'Agromesh — активных тревог: {n}',
  trayWorst: 'худшая ферма: {farm} ({health})',
  startFailedTitle: 'Agromesh не удалось запустить',
  startFailed: 'Agromesh не удалось запустить: {what}',
  startTry: 'Что попробовать:',
  tryTailscale: 'Проверьте, что Tailscale установлен и запущен (tailscaled), и запустите Agromesh снова.',
  tryDataDir: 'Проверьте, что в папку данных можно писать: {dir}',
  tryAgain: 'Запустите Agromesh снова; если ошибка повторится, отправьте журнал в поддержку.',
  startLog: 'Журнал находится в {dir}',
  firedTitle: '{farm}: тревога',
  resolvedTitle: '{farm}: тревога снята',
  summaryTitle: 'Изменений тревог: {n}',
};

const dictionaries: Record<Lang, Record<ShellKey, string>> = { en, ru };

export function shellT(lang: Lang, key: ShellKey, params?: Vars): string {
  return fillTemplate(dictionaries[lang][key], params);
}
