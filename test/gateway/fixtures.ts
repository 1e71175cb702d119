/** A small real-hardware layout used by the hardware and durability tests. */
import type { FarmLayout } from '../../gateway/layout.ts';

export const hardwareLayout: FarmLayout = {
  sensors: [
    {
      id: 'probe-1',
      kind: 'soil_moisture',
      label: 'Probe 1',
      unit: '%',
      expectedRange: { min: 20, max: 45 },
      intervalMs: 60_000,
    },
    {
      id: 'meter-1',
      kind: 'flow_rate',
      label: 'Meter 1',
      unit: 'L/min',
      expectedRange: { min: 0, max: 60 },
      intervalMs: 60_000,
    },
  ],
  actuators: [
    {
      id: 'relay-1',
      kind: 'valve',
      label: 'Relay 1',
      commands: [
        {
          action: 'pulse',
          label: 'Pulse',
          params: {
            type: 'object',
            properties: { seconds: { type: 'number', minimum: 0.5, maximum: 10 } },
            required: ['seconds'],
            additionalProperties: false,
          },
          confirmedBy: 'meter-1',
          confirm: { expect: 'rise', threshold: 1, withinMs: 60_000 },
        },
      ],
    },
  ],
};
