/**
 * Contract handlers (protocol/app/index.ts) backed by FarmConnections: getHistory, sendCommand, getCommand,
 * listCommands, exportCommandsCsv. Inputs arrive already parsed by the dispatcher.
 */
import { AgromeshError } from '../../../protocol/errors.ts';
import type { OperationHandlers } from '../../../protocol/app/index.ts';
import type { FarmConnections } from './connections.ts';

export type FarmOperationHandlers = Pick<
  OperationHandlers,
  'getHistory' | 'sendCommand' | 'getCommand' | 'listCommands' | 'exportCommandsCsv'
>;

export interface FarmHandlerDeps {
  /** Who is asking, as the tailnet says (login or node name); stored as the command's `requestedBy`. */
  whoAmI: () => string | Promise<string>;
  /** Optional role check (the gateway checks again through who-is). */
  canCommand?: (farmId: string) => boolean | Promise<boolean>;
}

/** `farms` is looked up per call: the composition root rebuilds its services when the tailnet changes. */
export function farmOperationHandlers(
  farms: () => FarmConnections,
  deps: FarmHandlerDeps,
): FarmOperationHandlers {
  return {
    getHistory: (input) => farms().history(input),
    async sendCommand(input) {
      if (deps.canCommand && !(await deps.canCommand(input.farmId))) {
        throw new AgromeshError('FORBIDDEN', `Your tailnet role does not allow commands on ${input.farmId}.`);
      }
      const requestedBy = await deps.whoAmI();
      return farms().sendCommand({ ...input, requestedBy });
    },
    getCommand: async ({ id }) => farms().getCommand(id),
    listCommands: async (filter) => farms().listCommands(filter),
    exportCommandsCsv: async (filter) => farms().exportCsv(filter),
  };
}
