/**
 * Local push endpoint for readings: POST /api/readings on 127.0.0.1 only, for sensor programs on the
 * gateway machine. The reply comes after the readings are committed, so a 200 means stored.
 */
import type { Server } from 'node:http';
import { Limits } from '../../protocol/farm-api.ts';
import { AgromeshError } from '../../protocol/errors.ts';
import { isLoopbackAddress, normalizeRemoteAddress } from '../../protocol/tailnet-address.ts';
import { type HostGuard, LOOPBACK_NAMES, refusal } from '../../kit/http/host-guard.ts';
import { closeServer, createJsonServer, listen, readJsonBody, sendJson } from '../../kit/http/json.ts';
import type { Clock } from '../clock.ts';
import { parseReadings } from '../http/parsers.ts';
import { type Ingest, refuseAll } from '../ingest.ts';

export const PUSH_BODY_BYTES = 1024 * 1024;

export interface PushServer {
  port: number;
  dispose(): Promise<void>;
}

export async function startPushServer(options: {
  host: string;
  port: number;
  ingest: Ingest;
  clock: Clock;
}): Promise<PushServer> {
  if (!isLoopbackAddress(options.host)) {
    throw new AgromeshError(
      'VALIDATION',
      `The readings push endpoint listens on loopback only, not ${options.host}.`,
    );
  }
  // A web page on the farm computer that rebinds its name to 127.0.0.1 would be same-origin to the browser,
  // so Host must be a loopback name, and, as sensor programs send no Origin, any request with one is refused.
  const guard: HostGuard = { names: () => [options.host, ...LOOPBACK_NAMES] };
  const server: Server = createJsonServer({ maxHeaderSize: Limits.headerBytes }, async (req, res) => {
    const refused = refusal(req, guard);
    if (refused) throw refused;
    if (!isLoopbackAddress(normalizeRemoteAddress(req.socket.remoteAddress ?? ''))) {
      throw new AgromeshError('FORBIDDEN', 'Readings may be pushed from this machine only.');
    }
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/api/readings') throw new AgromeshError('NOT_FOUND', 'POST readings to /api/readings.');
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      throw new AgromeshError('METHOD_NOT_ALLOWED');
    }
    const body = await readJsonBody(req, PUSH_BODY_BYTES);
    const result = options.ingest.ingest(parseReadings(body, options.clock.now()));
    refuseAll(result);
    sendJson(res, 200, result);
  });
  const addr = await listen(server, options.port, options.host);
  return { port: addr.port, dispose: () => closeServer(server) };
}
