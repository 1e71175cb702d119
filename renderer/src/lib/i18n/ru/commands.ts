/** Russian messages: the commands log (the compiler insists on every key of en/commands.ts). */
import type { enCommands } from '../en/commands.ts';

export const ruCommands: Record<keyof typeof enCommands, string> = {
  commandsTitle: 'Команды',
  commandsEmpty: 'Команд пока нет. Команды операторов появляются здесь вместе с результатом.',
  colTime: 'Время',
  colFarm: 'Ферма',
  colAction: 'Действие',
  colTarget: 'Устройство',
  colParams: 'Значения',
  colBy: 'Кто',
  colState: 'Состояние',
  colReason: 'Причина',
  filterFarm: 'Ферма',
  filterPerson: 'Человек',
  filterFrom: 'С',
  filterTo: 'По',
  filterAllFarms: 'Все фермы',
  exportEmpty: 'Для этого фильтра нечего выгружать.',
  commandsNoMatch: 'Нет команд по этим условиям. Расширьте период или снимите фильтр.',
  filterTooLong: 'Не больше {n} символов.',
  filterToBeforeFrom: '«По» раньше, чем «С»: выберите конец позже или начало раньше.',
};
