/**
 * English messages: the reference dictionary (every other language must have the same keys), one file per
 * domain under i18n/en/, merged here into one dictionary.
 */
import { enApp } from './i18n/en/app.ts';
import { enHealth } from './i18n/en/health.ts';
import { enFarms } from './i18n/en/farms.ts';
import { enCommands } from './i18n/en/commands.ts';
import { enDevices } from './i18n/en/devices.ts';
import { enAlerts } from './i18n/en/alerts.ts';
import { enSettings } from './i18n/en/settings.ts';
import { enHygiene } from './i18n/en/hygiene.ts';
import { enLink } from './i18n/en/link.ts';
import { enPosture } from './i18n/en/posture.ts';

export const en = {
  ...enApp,
  ...enHealth,
  ...enFarms,
  ...enCommands,
  ...enDevices,
  ...enAlerts,
  ...enSettings,
  ...enHygiene,
  ...enLink,
  ...enPosture,
} as const;

/** Keys found in more than one domain file (the later file's words would silently win). */
type Overlap<T extends readonly object[], Seen = never> = T extends readonly [
  infer H,
  ...infer R extends readonly object[],
]
  ? (keyof H & Seen) | Overlap<R, Seen | keyof H>
  : never;
type DomainOverlap = Overlap<
  [
    typeof enApp,
    typeof enHealth,
    typeof enFarms,
    typeof enCommands,
    typeof enDevices,
    typeof enAlerts,
    typeof enSettings,
    typeof enHygiene,
    typeof enLink,
    typeof enPosture,
  ]
>;
// Fails to compile, naming the keys, when a key is in two domain files.
const _noOverlap: [DomainOverlap] extends [never] ? true : DomainOverlap = true;
