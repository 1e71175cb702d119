/**
 * Russian messages: the compiler insists on every key of the English dictionary, in each domain file under
 * i18n/ru/ and here, where they are merged into one dictionary.
 */
import type { en } from './i18n-en.ts';
import { ruApp } from './i18n/ru/app.ts';
import { ruHealth } from './i18n/ru/health.ts';
import { ruFarms } from './i18n/ru/farms.ts';
import { ruCommands } from './i18n/ru/commands.ts';
import { ruDevices } from './i18n/ru/devices.ts';
import { ruAlerts } from './i18n/ru/alerts.ts';
import { ruSettings } from './i18n/ru/settings.ts';
import { ruHygiene } from './i18n/ru/hygiene.ts';
import { ruLink } from './i18n/ru/link.ts';
import { ruPosture } from './i18n/ru/posture.ts';

export const ru: Record<keyof typeof en, string> = {
  ...ruApp,
  ...ruHealth,
  ...ruFarms,
  ...ruCommands,
  ...ruDevices,
  ...ruAlerts,
  ...ruSettings,
  ...ruHygiene,
  ...ruLink,
  ...ruPosture,
};
