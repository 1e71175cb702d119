/** The sensors a rule's farm has: the ones in the farm list at once, then the gateway's own list. */
import { useEffect, useState } from 'react';
import type { FarmSummary } from '../../../../protocol/app/index.ts';
import { useApp } from '../../app/context.tsx';

export function useSensorIds(farmId: string, farms: readonly FarmSummary[]): string[] {
  const { api } = useApp();
  const [ids, setIds] = useState<string[]>([]);
  useEffect(() => {
    if (!farmId) {
      setIds([]);
      return;
    }
    const fallback = farms.find((f) => f.farmId === farmId)?.latest.map((r) => r.sensorId) ?? [];
    setIds(fallback);
    let live = true;
    api.getFarm({ farmId }).then(
      (d) => live && d.info && setIds(d.info.sensors.map((s) => s.id)),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api, farmId, farms]);
  return ids;
}
