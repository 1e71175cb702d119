/** Dictionary keys whose Russian is rightly the English (shared by the unit and the e2e completeness tests). */
import type { MessageKey } from '../../renderer/src/lib/i18n.ts';

/**
 * Brand and product names, language names shown in their own language, and templates made only of
 * placeholders and punctuation.
 */
export const SAME_IN_RUSSIAN: ReadonlySet<MessageKey> = new Set<MessageKey>([
  'appName', // Agromesh, a brand
  'tailnetApiV2', // Tailscale API, a product name
  'tailnetHeadscale', // Headscale, a product name
  'backendApiV2', // Tailscale API v2
  'backendHeadscale', // Headscale
  'layerTailnet', // Tailnet: the product's word, kept in Russian docs too
  'tailnetDetails', // Tailnet
  'tailnetSection', // Tailnet
  'tailnetMode', // "Tailnet: {mode}"
  'langEn', // "English" is shown in English on purpose
  'langRu', // "Русский" in both
  'mapFarmMarker', // "{name}: {health}. {reason}": placeholders only
  'lasted', // "{start} – {end} ({duration})": placeholders only
  'cond_command', // "{states}": placeholders only
  'linkSpan', // "{state}, {from}–{to}": placeholders only
  'linkShare', // "{duration} ({percent} %)": placeholders only
  'linkNone', // "—"
]);
