/** Public surface of farm connections: links, ledger, cache and the tailnet-only dialer. */
export {
  createTailnetDialer,
  loopbackAliasOf,
  type TailnetDialer,
  type TailnetDialerOptions,
} from './dialer.ts';
export {
  createFarmConnections,
  defaultTuning,
  type FarmConnections,
  type FarmConnectionsEvents,
  type FarmConnectionsOptions,
  type FarmConnectionsTuning,
  type HistoryInput,
  type SendInput,
} from './connections.ts';
export { farmOperationHandlers, type FarmHandlerDeps, type FarmOperationHandlers } from './handlers.ts';
export { openFarmsDatabase, migrateFarmsSchema } from './schema.ts';
export { commandsToCsv } from './csv.ts';
export type {
  Clock,
  FarmEndpoint,
  FarmHealthSink,
  FarmLive,
  LinkState,
  LinkStateEvent,
  LiveBatch,
  ReadingsBatch,
} from './types.ts';
