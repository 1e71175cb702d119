/**
 * Health in the UI's language. The core words every reason and layer detail in English and sends a stable
 * code with parameters beside it (protocol/app/farms.ts); English shows the core's own words, other
 * languages word the code again, and anything without a code (an older core) falls back to the English.
 */
import type { FarmHealth, HealthLayer, PhraseParams } from '../../../protocol/app/index.ts';
import { formatAge } from './format.ts';
import type { Lang, MessageKey, Vars } from './i18n.ts';

type T = (key: MessageKey, vars?: Vars) => string;

const num = (params: PhraseParams | undefined, name: string): number | undefined => {
  const v = params?.[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};
const str = (params: PhraseParams | undefined, name: string): string | undefined => {
  const v = params?.[name];
  return typeof v === 'string' ? v : undefined;
};

/** The overall reason ("The gateway is not answering…") in `lang`. */
export function healthReason(t: T, lang: Lang, health: FarmHealth): string {
  if (lang === 'en' || !health.reasonCode) return health.reason;
  const p = health.reasonParams;
  const age = (name: string) => {
    const ms = num(p, name);
    return ms === undefined ? undefined : formatAge(lang, ms / 1000);
  };
  const relayed = num(p, 'relayed') === 1;
  switch (health.reasonCode) {
    case 'tailnet-offline': {
      const seen = age('seenAgoMs');
      return seen ? t('reasonTailnetOfflineSeen', { age: seen }) : t('reasonTailnetOffline');
    }
    case 'gateway-blocked': {
      const beat = age('beatAgoMs');
      return beat ? t('reasonGatewayBlocked', { age: beat }) : health.reason;
    }
    case 'gateway-down':
      return t('reasonGatewayDown');
    case 'gateway-unchecked':
      return t('reasonGatewayUnchecked');
    case 'data-stale': {
      const a = age('ageMs');
      return a ? t('reasonDataStale', { age: a }) : health.reason;
    }
    case 'ok': {
      const a = age('ageMs');
      if (!a) return health.reason;
      return t(relayed ? 'reasonOkRelay' : 'reasonOk', { age: a });
    }
    case 'ok-no-readings':
      return t(relayed ? 'reasonOkRelayNoReadings' : 'reasonOkNoReadings');
  }
}

/** One layer's detail ("answering; last checked 4 s ago…") in `lang`. */
export function layerDetail(t: T, lang: Lang, layer: HealthLayer): string {
  if (lang === 'en' || !layer.detailCode) return layer.detail;
  const p = layer.detailParams;
  const age = (name: string) => {
    const ms = num(p, name);
    return ms === undefined ? undefined : formatAge(lang, ms / 1000);
  };
  // The gateway's detail ends with when it last answered and when it last sent a heartbeat.
  const suffix = () => {
    const ok = age('okAgoMs');
    const beat = age('beatAgoMs');
    return (
      (ok ? t('detailLastAnswered', { age: ok }) : '') + (beat ? t('detailLastHeartbeat', { age: beat }) : '')
    );
  };
  switch (layer.detailCode) {
    case 'tailnet-offline': {
      const seen = age('seenAgoMs');
      return seen ? t('detailTailnetOfflineSeen', { age: seen }) : t('detailTailnetOffline');
    }
    case 'tailnet-direct':
      return t('detailTailnetDirect', { endpoint: str(p, 'endpoint') ?? '?' });
    case 'tailnet-relay':
      return t('detailTailnetRelay', { region: str(p, 'region') ?? '?' });
    case 'tailnet-path-unknown':
      return t('detailTailnetPathUnknown');
    case 'gateway-node-offline':
      return t('detailGatewayNodeOffline') + suffix();
    case 'gateway-down': {
      const fail = str(p, 'failDetail');
      return (fail ? t('detailGatewayDown', { error: fail }) : t('detailGatewayDownNoAnswer')) + suffix();
    }
    case 'gateway-answering': {
      const ok = age('okAgoMs');
      if (!ok) return layer.detail;
      const beat = age('beatAgoMs');
      return t('detailGatewayAnswering', { age: ok }) + (beat ? t('detailLastHeartbeat', { age: beat }) : '');
    }
    case 'gateway-unchecked':
      return t('detailGatewayUnchecked') + suffix();
    case 'data-none':
      return t('detailDataNone');
    case 'data-fresh': {
      const a = age('ageMs');
      return a ? t('detailDataFresh', { age: a }) : layer.detail;
    }
    case 'data-stale': {
      const a = age('ageMs');
      const after = age('staleAfterMs');
      return a && after ? t('detailDataStale', { age: a, after }) : layer.detail;
    }
  }
}
