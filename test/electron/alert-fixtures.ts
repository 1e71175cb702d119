/** Alerts and notices as the core pushes them, for the shell's notification and tray tests. */
import type { Alert, AlertNotice } from '../../protocol/app/index.ts';

export const alert = (id: string, farmId: string, farmName = `Farm ${farmId}`) =>
  ({ id, farmId, farmName, ruleName: 'Soil too dry', severity: 'critical' }) as Alert;

export const notice = (alertIds: string[], over: Partial<AlertNotice> = {}): AlertNotice => ({
  id: `n-${alertIds.join('-')}`,
  title: 'North: soil moisture below 20 %',
  body: 'Soil too dry (critical), since 10:02.',
  severity: 'critical',
  type: 'fired',
  alertIds,
  at: new Date(0).toISOString(),
  ...over,
});
