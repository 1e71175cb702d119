/** English messages: the commands log. */
export const enCommands = {
  // commands log
  commandsTitle: 'Commands',
  commandsEmpty: 'No commands yet. Commands sent by operators appear here with their outcome.',
  colTime: 'Time',
  colFarm: 'Farm',
  colAction: 'Action',
  colTarget: 'Target',
  colParams: 'Values',
  colBy: 'By',
  colState: 'State',
  colReason: 'Reason',
  filterFarm: 'Farm',
  filterPerson: 'Person',
  filterFrom: 'From',
  filterTo: 'To',
  filterAllFarms: 'All farms',
  exportEmpty: 'There is nothing to export for this filter.',
  commandsNoMatch: 'No commands match these filters. Widen the time range or clear a filter.',
  filterTooLong: 'At most {n} characters.',
  filterToBeforeFrom: '“To” is before “From”: pick a later end or an earlier start.',
} as const;
