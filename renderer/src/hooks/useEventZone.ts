/**
 * The one time-zone rule for farm events (readings, charts, commands, alerts): the farm's own zone, as
 * its people live by it, unless Settings → Appearance says this computer's. Tailnet events (key expiry,
 * onboarding keys) are not farm events and always use this computer's zone.
 */
import { useCallback } from 'react';
import { useApp } from '../app/context.tsx';
import { useFarms } from '../app/farms-store.tsx';

/** The zone to show a farm's events in (undefined: this computer's), by the farm's own zone. */
export function useEventZone(farmTimeZone: string | undefined): string | undefined {
  const { settings } = useApp();
  return settings.times === 'computer' ? undefined : farmTimeZone;
}

/** The same rule by farm id, for lists that mix farms (the commands log, alerts). */
export function useEventZoneOf(): (farmId: string) => string | undefined {
  const { settings } = useApp();
  const { byId } = useFarms();
  return useCallback(
    (farmId) => (settings.times === 'computer' ? undefined : byId.get(farmId)?.timeZone),
    [settings.times, byId],
  );
}
