/** GET /v1/info: what this farm is and what this gateway can do. */
import { FARM_API_VERSION, type FarmInfo } from '../../protocol/farm-api.ts';
import { AGROMESH_VERSION as GATEWAY_VERSION } from '../../kit/version.ts';
import type { FarmIdentity } from '../farm-identity.ts';
import { type FarmLayout, publicActuators } from '../layout.ts';

export function farmInfo(identity: FarmIdentity, layout: FarmLayout, simulated: boolean): () => FarmInfo {
  const { farmId, farmName, location, timeZone } = identity;
  return () => ({
    apiVersion: FARM_API_VERSION,
    farmId,
    name: farmName,
    location,
    timeZone,
    sensors: layout.sensors,
    actuators: publicActuators(layout),
    gatewayVersion: GATEWAY_VERSION,
    capabilities: [
      'history:raw',
      'history:minmax',
      'history:lttb',
      'history:rollup-1m',
      'commands',
      'commands:confirmation',
      'stream',
      'stream:resume',
      ...(simulated ? ['simulated'] : []),
    ],
  });
}
