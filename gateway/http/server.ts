/**
 * Farm API v1 and the live stream on one port, answering only to this node's own names (DNS rebinding)
 * and never to a web page (the control room's core sends no Origin). Closed by the stack.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import type { ResourceStack } from '../../kit/resources.ts';
import { closeServer, createJsonServer, listen } from '../../kit/http/json.ts';
import { type HostGuard, LOOPBACK_NAMES, refusal } from '../../kit/http/host-guard.ts';
import type { Logger } from '../../kit/log.ts';
import { observeHttp } from '../../kit/metrics.ts';
import { isLoopbackAddress } from '../../protocol/tailnet-address.ts';
import type { GatewayOptions } from '../gateway.ts';
import type { FarmLayout } from '../layout.ts';
import type { GatewayMetrics } from '../metrics.ts';
import { storageStatus } from '../store/db.ts';
import type { StreamHub } from '../stream/hub.ts';
import { attachStreamServer } from '../stream/ws-server.ts';
import type { TailnetSelf } from '../tailnet/bootstrap.ts';
import { type ApiDeps, createApiHandler, routeName } from './api.ts';

export interface FarmApiServerDeps {
  api: Omit<ApiDeps, 'log' | 'metrics'>;
  hub: StreamHub;
  /** Our listen address (`self.host`), tailnet addresses and names. */
  self: TailnetSelf;
  port: number;
  /** For the metrics: the database and what the farm has. */
  db: DatabaseSync;
  layout: FarmLayout;
  metrics: GatewayMetrics;
  log: Logger;
  stack: ResourceStack;
}

export async function serveFarmApi(
  options: Pick<GatewayOptions, 'hostNames' | 'pingIntervalMs' | 'dataDir'>,
  deps: FarmApiServerDeps,
): Promise<AddressInfo> {
  const { api, hub, self, db, layout, metrics, log, stack } = deps;
  const { host } = self;
  const { clock, readings, auth } = api;
  const listenHost = host;
  const hostGuard: HostGuard = {
    names: () => [
      listenHost,
      ...self.addresses,
      ...(self.name ? [self.name] : []),
      ...(self.dnsName ? [self.dnsName] : []),
      ...(isLoopbackAddress(listenHost) ? LOOPBACK_NAMES : []),
      ...(options.hostNames ?? []),
    ],
  };
  const apiHandler = createApiHandler({ ...api, metrics, log: log.child('http') });
  const server: Server = createJsonServer(
    { maxHeaderSize: 16 * 1024, log: log.child('http') },
    async (req, res) => {
      observeHttp(metrics.http, req, res, () => routeName(req.url));
      const refused = refusal(req, hostGuard);
      if (refused) throw refused;
      await apiHandler(req, res);
    },
  );
  const stream = attachStreamServer({
    server,
    hub,
    authorize: (req) => {
      const refused = refusal(req, hostGuard);
      return refused ? Promise.reject(refused) : auth.identify(req);
    },
    log: log.child('stream'),
    ...(options.pingIntervalMs ? { pingIntervalMs: options.pingIntervalMs } : {}),
  });
  metrics.bind({
    db,
    dbFile: options.dataDir === null ? null : join(options.dataDir, 'gateway.sqlite'),
    sensors: () => layout.sensors,
    latestTs: (id) => readings.latest(id)?.ts,
    now: () => clock.now(),
    streamClients: () => stream.clientCount(),
    storageFull: () => !storageStatus(db).ok,
  });
  const address = await listen(server, deps.port, host);
  stack.defer(() => closeServer(server));
  stack.defer(() => stream.dispose());
  return address;
}
