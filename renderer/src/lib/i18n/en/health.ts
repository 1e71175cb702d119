/** English messages: farm health: the three layers, and the reasons and layer details worded from the core's codes. */
export const enHealth = {
  // health
  healthOk: 'OK',
  healthDegraded: 'Degraded',
  healthStale: 'Stale',
  healthOffline: 'Offline',
  layerTailnet: 'Tailnet',
  layerGateway: 'Gateway',
  layerData: 'Data',
  layerOk: 'ok',
  layerDegraded: 'degraded',
  layerDown: 'down',
  layerUnknown: 'unknown',
  qualityOk: 'good',
  qualityStale: 'stale',
  qualityFault: 'fault',
  // Worded from the core's codes (health reasons and layer details).
  reasonTailnetOffline: 'The tailnet says the node is offline, so its gateway and sensors cannot be reached.',
  reasonTailnetOfflineSeen:
    'The tailnet says the node is offline (last seen {age} ago), so its gateway and sensors cannot be reached.',
  reasonGatewayBlocked:
    'The gateway is not answering this computer, yet it sent a heartbeat to the registry {age} ago: the path from here to the farm may be blocked (check the tailnet policy for this device).',
  reasonGatewayDown:
    'The gateway is not answering; the tailnet says the node is online, so the gateway program is likely stopped.',
  reasonGatewayUnchecked: 'The node is online on the tailnet; the gateway has not been checked yet.',
  reasonDataStale:
    'The gateway answers, but the freshest reading is {age} old: the sensors or their link to the gateway may have failed.',
  reasonOk: 'Online: the gateway answers and the freshest reading is {age} old.',
  reasonOkRelay: 'Online (through a relay): the gateway answers and the freshest reading is {age} old.',
  reasonOkNoReadings: 'Online: the gateway answers; no readings received yet.',
  reasonOkRelayNoReadings: 'Online (through a relay): the gateway answers; no readings received yet.',
  detailTailnetOffline: 'offline',
  detailTailnetOfflineSeen: 'offline; last seen {age} ago',
  detailTailnetDirect: 'online, direct path ({endpoint})',
  detailTailnetRelay: 'online, relayed through DERP {region} (works, but slower than a direct path)',
  detailTailnetPathUnknown: 'online, path not known yet',
  detailGatewayNodeOffline: 'cannot be checked while the node is offline',
  detailGatewayDown: 'not answering ({error})',
  detailGatewayDownNoAnswer: 'not answering (no answer)',
  detailGatewayAnswering: 'answering; last checked {age} ago',
  detailGatewayUnchecked: 'not checked yet',
  detailLastAnswered: '; last answered {age} ago',
  detailLastHeartbeat: '; last heartbeat to the registry {age} ago',
  detailDataNone: 'no readings received yet',
  detailDataFresh: 'freshest reading {age} old',
  detailDataStale: 'freshest reading {age} old (stale after {after})',
} as const;
