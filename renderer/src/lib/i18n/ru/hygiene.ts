/** Russian messages: fleet hygiene (the compiler insists on every key of en/hygiene.ts). */
import type { enHygiene } from '../en/hygiene.ts';

export const ruHygiene: Record<keyof typeof enHygiene, string> = {
  // fleet hygiene (support)
  hygieneTitle: 'Гигиена парка',
  hygieneIntro:
    'Что исправить, пока не стало поздно: скоро истекающие ключи узлов, ключи подключения, которые скоро истекут или ни разу не использованы, старые шлюзы и клиенты Tailscale, шлюзы без tag:farm, помеченные узлы, молчащие неделю.',
  hygieneEmpty: 'Исправлять нечего: все проверки, доступные в этой сети, пройдены.',
  hygieneTableLabel: 'Находки гигиены парка',
  hygieneColSeverity: 'Важность',
  hygieneColWhat: 'Что',
  hygieneColWhen: 'Когда',
  hygieneColTodo: 'Что сделать',
  hygieneColAction: 'Действие',
  hygieneSev_critical: 'Критично',
  hygieneSev_warning: 'Предупреждение',
  hygieneSev_info: 'Сведения',
  hygieneThen_farm: 'узел выпадет из сети tailnet, а его ферма перестанет быть на связи',
  hygieneThen_node: 'узел выпадет из сети tailnet',
  'hygieneWhat_node-key-expiring': '{name}: ключ узла истекает {date}; после этого {then}.',
  'hygieneWhat_node-key-expired': '{name}: ключ узла истёк {date}; {then}.',
  'hygieneWhat_auth-key-expiring':
    'Ключ подключения «{name}» истекает {date}; ферма, не подключившаяся с ним до этого, уже не сможет.',
  'hygieneWhat_auth-key-unused':
    'Ключ подключения «{name}» ни разу не использован: любой, у кого он есть, может подключить узел к сети.',
  'hygieneWhat_gateway-outdated':
    '{name}: шлюз фермы работает на Agromesh {version}, это старше версии диспетчерской {latest}.',
  'hygieneWhat_client-update-available': '{name}: здесь работает Tailscale {version}, доступно обновление.',
  'hygieneWhat_gateway-untagged':
    '{name}: здесь работает шлюз фермы, но у узла нет tag:farm, поэтому фермы нет на карте и в списке ферм.',
  'hygieneWhat_tagged-node-unseen': '{name}: не появлялся в сети с {date}.',
  hygieneTodo_nodeKey: 'Войдите на узле заново (tailscale up --force-reauth на этом компьютере).',
  hygieneTodo_nodeKeyAdmin:
    'Войдите на узле заново (tailscale up --force-reauth на этом компьютере) или отключите для него истечение ключа в консоли администратора Tailscale.',
  hygieneTodo_nodeKeyDisable:
    'Отключите истечение ключа узла (помеченным серверам оно не нужно) или войдите на нём заново (tailscale up --force-reauth).',
  'hygieneTodo_auth-key-expiring':
    'Если ферма ещё не подключилась, создайте новый ключ в разделе «Подключить ферму»; ненужные ключи отзовите.',
  'hygieneTodo_auth-key-unused':
    'Отзовите его, если ферма не собирается подключиться с ним в ближайшее время.',
  'hygieneTodo_gateway-outdated': 'Установите на компьютер фермы текущий пакет agromesh-gateway.',
  'hygieneTodo_client-update-available': 'Обновите Tailscale на этом компьютере (tailscale update).',
  'hygieneTodo_gateway-untagged': 'Добавьте узлу tag:farm.',
  'hygieneTodo_tagged-node-unseen':
    'Проверьте питание и сеть компьютера; если он выведен из работы, удалите его из сети.',
  hygieneActRetag: 'Добавить tag:farm',
  hygieneActRetagFor: 'Добавить tag:farm узлу {name}',
  hygieneActRevoke: 'Отозвать ключ',
  hygieneActRevokeFor: 'Отозвать ключ подключения {name}',
  hygieneActDisable: 'Отключить истечение',
  hygieneActDisableFor: 'Отключить истечение ключа {name}',
  hygieneActNone: 'Здесь нет',
  hygieneConfirmRetag: 'Добавить tag:farm узлу {name}? Ферма появится на карте и в списке ферм.',
  hygieneConfirmRevoke:
    'Отозвать ключ подключения «{name}»? Ферме, которая ещё не подключилась с ним, понадобится новый ключ.',
  hygieneConfirmDisable:
    'Отключить истечение ключа {name}? Ключ больше не истечёт; включить истечение снова можно в консоли администратора Tailscale.',
  hygieneDone: 'Готово: {name}.',
  'hygieneSkip_auth-keys':
    'Ключи подключения не проверены: этот способ подключения к сети (или его ключ API) не может их перечислить.',
  'hygieneSkip_auth-key-usage':
    'Использование ключей подключения не проверено: Tailscale API об этом не сообщает.',
  'hygieneSkip_client-versions':
    'Обновления клиентов Tailscale не проверены: этот способ подключения не сообщает о них для всех узлов.',
  'hygieneSkip_gateway-versions': 'Версии шлюзов не проверены.',
  'hygieneSkip_gateway-tags': 'Шлюзы без tag:farm не проверены.',
  'hygieneSkip_node-keys': 'Ключи узлов не проверены.',
  'hygieneSkip_unseen-nodes': 'Молчащие помеченные узлы не проверены.',
};
