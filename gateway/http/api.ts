/**
 * Farm API v1 routes. Every request is identified first (who-is on the remote address); commands also
 * need the operator role. Bodies and queries are parsed strictly; errors are JSON with stable codes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type CommandList,
  type CurrentData,
  type FarmInfo,
  type Health,
  type HistoryResponse,
  Limits,
  type Reading,
} from '../../protocol/farm-api.ts';
import { AgromeshError } from '../../protocol/errors.ts';
import { readJsonBody, sendJson } from '../../kit/http/json.ts';
import { METRICS_PATH, type ProgramMetrics, sendMetrics } from '../../kit/metrics.ts';
import { mayScrapeMetrics } from '../../protocol/identity.ts';
import type { Logger } from '../../kit/log.ts';
import { type Authorizer, requesterName } from '../auth.ts';
import type { Clock } from '../clock.ts';
import type { CommandService } from '../commands/service.ts';
import { queryHistory } from '../history/query.ts';
import type { CommandStore } from '../store/commands.ts';
import type { ReadingStore, Retention } from '../store/readings.ts';
import { isId, parseCommandRequest, parseCommandsQuery, parseHistoryQuery } from './parsers.ts';

export interface ApiDeps {
  info: () => FarmInfo;
  health: () => Health;
  auth: Authorizer;
  clock: Clock;
  readings: ReadingStore;
  commands: CommandService;
  commandStore: CommandStore;
  retention: Retention;
  metrics: ProgramMetrics;
  log: Logger;
}

/** The route template of a request target, for the HTTP metrics (ids never become label values). */
export function routeName(target: string | undefined): string {
  const path = (target ?? '/').split('?')[0]!;
  if (/^\/api\/commands\/[^/]+$/.test(path)) return '/api/commands/:id';
  if (
    /^\/api\/(info|health|data\/current|data\/history|commands|stream)$/.test(path) ||
    path === METRICS_PATH
  )
    return path;
  return 'other';
}

/** What an unidentified caller may see when who-is is down: that identity is the failing layer, nothing more. */
function reducedHealth(full: Health): Health {
  return {
    status: 'degraded',
    farmId: full.farmId,
    version: full.version,
    uptimeS: full.uptimeS,
    checks: {
      identity: {
        ok: false,
        detail:
          'identity unavailable: the local tailscaled is not answering who-is, so callers cannot be identified (the other checks are shown to identified callers)',
      },
    },
  };
}

type Route = (req: IncomingMessage, res: ServerResponse, url: URL, match: RegExpExecArray) => Promise<void>;

export function createApiHandler(
  deps: ApiDeps,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { auth, clock } = deps;

  const routes: { pattern: RegExp; methods: Record<string, Route> }[] = [
    {
      pattern: /^\/metrics$/,
      methods: {
        GET: async (req, res) => {
          const identity = await auth.identify(req);
          if (!mayScrapeMetrics(identity))
            throw new AgromeshError(
              'FORBIDDEN',
              'Metrics are for nodes tagged tag:monitoring and people with the support role.',
            );
          await sendMetrics(res, deps.metrics);
        },
      },
    },
    { pattern: /^\/api\/info$/, methods: { GET: async (_q, res) => sendJson(res, 200, deps.info()) } },
    {
      pattern: /^\/api\/health$/,
      methods: {
        GET: async (req, res) => {
          // Health must answer most when something is wrong, including who-is itself: a caller that
          // cannot be identified because tailscaled is down gets a reduced body naming that layer only.
          try {
            await auth.identify(req);
          } catch (err) {
            if (!(err instanceof AgromeshError && err.code === 'LOCALAPI_UNAVAILABLE')) throw err;
            return sendJson(res, 200, reducedHealth(deps.health()));
          }
          sendJson(res, 200, deps.health());
        },
      },
    },
    { pattern: /^\/api\/data\/current$/, methods: { GET: async (_q, res) => sendJson(res, 200, current()) } },
    {
      pattern: /^\/api\/data\/history$/,
      methods: {
        GET: async (_q, res, url) => {
          const query = parseHistoryQuery(url.searchParams);
          const info = deps.info();
          const sensor = info.sensors.find((s) => s.id === query.sensor);
          if (!sensor) throw new AgromeshError('NOT_FOUND', `No sensor "${query.sensor}" on this farm.`);
          const result = queryHistory(deps.readings, query, {
            now: clock.now(),
            rawRetentionMs: deps.retention.rawMs,
            intervalMs: sensor.intervalMs,
          });
          const body: HistoryResponse = { farmId: info.farmId, ...result };
          sendJson(res, 200, body);
        },
      },
    },
    {
      pattern: /^\/api\/commands$/,
      methods: {
        GET: async (_q, res, url) => sendJson(res, 200, listCommands(url)),
        POST: async (req, res, _url, _m) => {
          const identity = await auth.identify(req);
          auth.requireOperator(identity);
          const body = parseCommandRequest(await readJsonBody(req, Limits.bodyBytes));
          const { record } = deps.commands.submit(body, requesterName(identity));
          sendJson(res, 202, record, { location: `/api/commands/${encodeURIComponent(record.id)}` });
        },
      },
    },
    {
      pattern: /^\/api\/commands\/([^/]+)$/,
      methods: {
        GET: async (_q, res, _url, m) => {
          let id = '';
          try {
            id = decodeURIComponent(m[1]!);
          } catch {
            // malformed percent-encoding: treated like any other invalid id below
          }
          if (!isId(id)) throw new AgromeshError('VALIDATION', 'Not a valid command id.');
          const record = deps.commands.get(id);
          if (!record) throw new AgromeshError('NOT_FOUND', `No command "${id}".`);
          sendJson(res, 200, record);
        },
      },
    },
  ];

  function current(): CurrentData {
    const now = clock.now();
    const info = deps.info();
    const readings: Reading[] = [];
    for (const s of info.sensors) {
      const r = deps.readings.latest(s.id);
      if (!r) continue;
      // A reading is stale once three reporting intervals have passed without a newer one.
      const stale = r.quality === 'ok' && now - r.ts > 3 * s.intervalMs;
      readings.push(stale ? { ...r, quality: 'stale' } : r);
    }
    return { farmId: info.farmId, at: new Date(now).toISOString(), readings };
  }

  function listCommands(url: URL): CommandList {
    const { cursor, limit } = parseCommandsQuery(url.searchParams);
    let page;
    if (cursor.kind === 'latest') page = deps.commandStore.latest(limit);
    else if (cursor.kind === 'rev') page = deps.commandStore.changedSince(cursor.rev, limit);
    else {
      // A time cursor: changes at or after that time. Scan forward by rev (bounded by the page size).
      page = [];
      let rev = 0;
      for (;;) {
        const batch = deps.commandStore.changedSince(rev, Limits.commandsPageMax);
        for (const c of batch)
          if (Date.parse(c.record.updatedAt) >= cursor.at && page.length < limit) page.push(c);
        if (batch.length < Limits.commandsPageMax || page.length >= limit) break;
        rev = batch[batch.length - 1]!.rev;
      }
    }
    const last = page[page.length - 1];
    const head = deps.commandStore.headRev();
    const next = last
      ? String(last.rev)
      : cursor.kind === 'rev'
        ? String(Math.min(cursor.rev, head))
        : head > 0
          ? String(head)
          : null;
    return { commands: page.map((c) => c.record), next };
  }

  return async (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://gateway');
    } catch {
      throw new AgromeshError('BAD_REQUEST', 'The request target is not a valid URL.');
    }
    const route = routes.find((r) => r.pattern.test(url.pathname));
    if (!route) throw new AgromeshError('NOT_FOUND', `No route ${url.pathname}.`);
    const method = req.method ?? 'GET';
    const handler = route.methods[method];
    if (!handler) {
      res.setHeader('allow', Object.keys(route.methods).join(', '));
      throw new AgromeshError('METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}.`);
    }
    // Every caller is identified, for reads too; commands additionally check the role in their handler,
    // and health in its own (it still answers when who-is is down).
    if (!(method === 'POST' && url.pathname === '/api/commands') && url.pathname !== '/api/health')
      await auth.identify(req);
    await handler(req, res, url, route.pattern.exec(url.pathname)!);
  };
}
