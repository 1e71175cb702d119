/** Russian messages: farm region, crop and owner (the compiler insists on every key of en/posture.ts). */
import type { enPosture } from '../en/posture.ts';

export const ruPosture: Record<keyof typeof enPosture, string> = {
  // ---- farm metadata in the tailnet policy (issue 19 item 3): region, crop, owner as posture attributes ----
  farmRegion: 'Регион',
  farmCrop: 'Культура',
  farmOwner: 'Владелец',
  farmPolicyTextNone: 'не задан',
  farmPolicyTextTooLong: 'Не более 100 символов.',
  farmPolicyTextHelp:
    'Регион, культура и владелец записываются и в устройство фермы в tailnet, чтобы политика tailnet могла на них опираться.',
  postureSection: 'Атрибуты для политики tailnet',
  postureInStep: 'совпадает',
  postureWillUpdate: 'будет обновлён',
  postureUnset: 'не задан',
  postureUnusable: 'нет латинских букв или цифр, по которым политика могла бы сравнивать',
  postureUnsupportedHeadscale:
    'Не поддерживается в Headscale: в нём нет атрибутов состояния устройства, поэтому регион, культуру и владельца хранит только реестр.',
  postureUnsupportedLocal:
    'Не поддерживается только с локальным tailscaled: атрибутам нужен Tailscale API (ключ API или клиент OAuth). Регион, культуру и владельца хранит только реестр.',
  postureError: 'Не удалось прочитать или записать их: {error}',
  postureHelp:
    'Значения записываются строчными буквами латиницей, слова через _; текст как введён остаётся в реестре.',
};
