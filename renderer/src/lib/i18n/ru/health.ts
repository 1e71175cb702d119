/** Russian messages: farm health (the compiler insists on every key of en/health.ts). */
import type { enHealth } from '../en/health.ts';

export const ruHealth: Record<keyof typeof enHealth, string> = {
  healthOk: 'Норма',
  healthDegraded: 'Частично',
  healthStale: 'Устарело',
  healthOffline: 'Нет связи',
  layerTailnet: 'Tailnet',
  layerGateway: 'Шлюз',
  layerData: 'Данные',
  layerOk: 'норма',
  layerDegraded: 'частично',
  layerDown: 'не работает',
  layerUnknown: 'неизвестно',
  qualityOk: 'норма',
  qualityStale: 'устарело',
  qualityFault: 'сбой',
  // По кодам ядра: причины состояния и подробности слоёв.
  reasonTailnetOffline: 'Tailnet сообщает, что узел не в сети, поэтому шлюз и датчики недоступны.',
  reasonTailnetOfflineSeen:
    'Tailnet сообщает, что узел не в сети (последний раз виден {age} назад), поэтому шлюз и датчики недоступны.',
  reasonGatewayBlocked:
    'Шлюз не отвечает этому компьютеру, но {age} назад отправил сигнал реестру: путь отсюда до фермы, возможно, закрыт (проверьте политику tailnet для этого устройства).',
  reasonGatewayDown:
    'Шлюз не отвечает; по данным tailnet узел в сети, значит, программа шлюза, скорее всего, остановлена.',
  reasonGatewayUnchecked: 'Узел в сети tailnet; шлюз ещё не проверен.',
  reasonDataStale:
    'Шлюз отвечает, но самое свежее показание получено {age} назад: датчики или их связь со шлюзом, возможно, неисправны.',
  reasonOk: 'В сети: шлюз отвечает, самое свежее показание получено {age} назад.',
  reasonOkRelay: 'В сети (через ретранслятор): шлюз отвечает, самое свежее показание получено {age} назад.',
  reasonOkNoReadings: 'В сети: шлюз отвечает; показаний пока нет.',
  reasonOkRelayNoReadings: 'В сети (через ретранслятор): шлюз отвечает; показаний пока нет.',
  detailTailnetOffline: 'не в сети',
  detailTailnetOfflineSeen: 'не в сети; последний раз виден {age} назад',
  detailTailnetDirect: 'в сети, прямой путь ({endpoint})',
  detailTailnetRelay: 'в сети, через ретранслятор DERP {region} (работает, но медленнее прямого пути)',
  detailTailnetPathUnknown: 'в сети, путь пока неизвестен',
  detailGatewayNodeOffline: 'нельзя проверить, пока узел не в сети',
  detailGatewayDown: 'не отвечает ({error})',
  detailGatewayDownNoAnswer: 'не отвечает (нет ответа)',
  detailGatewayAnswering: 'отвечает; проверен {age} назад',
  detailGatewayUnchecked: 'ещё не проверен',
  detailLastAnswered: '; последний ответ {age} назад',
  detailLastHeartbeat: '; последний сигнал реестру {age} назад',
  detailDataNone: 'показаний пока нет',
  detailDataFresh: 'самое свежее показание получено {age} назад',
  detailDataStale: 'самое свежее показание получено {age} назад (устаревшим считается через {after})',
};
