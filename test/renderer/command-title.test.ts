/** Commands are named with the farm layout's labels in the UI's language, the ids only as a fallback. */
import { describe, expect, it } from 'vitest';
import { commandNames, type LedgerCommand } from '../../protocol/app/index.ts';
import type { FarmInfo } from '../../protocol/farm-api.ts';
import { commandLine, commandWords } from '../../renderer/src/lib/command-title.ts';

const actuators: FarmInfo['actuators'] = [
  {
    id: 'valve-1',
    kind: 'valve',
    label: 'Irrigation valve, zone 1',
    labels: { ru: 'Клапан полива, зона 1' },
    commands: [
      {
        action: 'open',
        label: 'Open',
        labels: { ru: 'Открыть' },
        params: {
          type: 'object',
          properties: {
            durationMin: { type: 'integer', title: 'Duration', titles: { ru: 'Длительность' }, unit: 'min' },
          },
          required: ['durationMin'],
          additionalProperties: false,
        },
      },
    ],
  },
];
const cmd = { target: 'valve-1', action: 'open', params: { durationMin: 15 } };

describe('command names', () => {
  it('come from the layout, per language', () => {
    const names = commandNames({ actuators }, 'valve-1', 'open');
    const c: Pick<LedgerCommand, 'target' | 'action' | 'params' | 'names'> = { ...cmd, names };
    expect(commandLine('en', c)).toBe('Irrigation valve, zone 1 · Open · Duration 15 min');
    expect(commandLine('ru', c)).toBe('Клапан полива, зона 1 · Открыть · Длительность 15 min');
  });

  it('fall back to the ids when the layout does not know the command', () => {
    expect(commandNames({ actuators }, 'valve-1', 'close')).toBeUndefined();
    expect(commandNames(null, 'valve-1', 'open')).toBeUndefined();
    expect(commandWords('en', cmd)).toEqual({ target: 'valve-1', action: 'open', params: 'durationMin 15' });
  });
});
