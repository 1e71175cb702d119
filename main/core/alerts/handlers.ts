/**
 * The contract's alert operations over an AlertService, for the composition root to spread into its
 * handlers. `caller` names who is asking (the tailnet login), recorded on rule edits and acknowledgements.
 */
import type { OperationHandlers } from '../../../protocol/app/index.ts';
import type { AlertService } from './service.ts';

export type AlertOperation =
  'listAlertRules' | 'saveAlertRule' | 'deleteAlertRule' | 'listAlerts' | 'acknowledgeAlert' | 'testWebhook';

export function createAlertHandlers(
  alerts: AlertService,
  caller: () => string | Promise<string>,
): Pick<OperationHandlers, AlertOperation> {
  return {
    listAlertRules: () => Promise.resolve(alerts.listRules()),
    saveAlertRule: async (input) => alerts.saveRule(input, await caller()),
    deleteAlertRule: async ({ id }) => alerts.deleteRule(id, await caller()),
    listAlerts: (filter) => Promise.resolve(alerts.listAlerts(filter)),
    acknowledgeAlert: async ({ id, note }) => alerts.acknowledge(id, await caller(), note),
    testWebhook: ({ url }) => alerts.testWebhook(url),
  };
}
