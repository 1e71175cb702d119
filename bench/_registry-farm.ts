/** Farm i of the registry list benchmark: its tailnet address and what its gateway reports. */
import type { Heartbeat } from '../protocol/discovery-api.ts';

export function farmAddress(i: number): string {
  return `100.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
}

export function farmHeartbeat(i: number): Heartbeat {
  return {
    farmId: `farm-${i}`,
    name: `Farm ${i}`,
    location: { lat: 45 + (i % 100) / 10, lon: 30 + (i % 37) / 10 },
    timeZone: 'Europe/Kyiv',
    gatewayVersion: '1.0.0',
    apiPort: 8080,
    sensors: 6,
    actuators: 3,
    capabilities: ['history:raw'],
  };
}
