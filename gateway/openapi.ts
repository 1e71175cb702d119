/**
 * Builds docs/openapi/farm-api.json (OpenAPI 3.1) from the zod schemas in protocol/farm-api.ts, so the
 * document cannot drift from the wire format. `node gateway/openapi.ts --write` regenerates the file;
 * a test checks the committed copy is current and validates real responses against it.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  CommandList,
  CommandRecord,
  CommandRequest,
  CurrentData,
  FarmInfo,
  FARM_API_VERSION,
  Health,
  HistoryResponse,
  Limits,
  StreamMessage,
} from '../protocol/farm-api.ts';
import { ErrorCodes } from '../protocol/errors.ts';

const ErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(ErrorCodes) as [keyof typeof ErrorCodes, ...(keyof typeof ErrorCodes)[]]),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

function schema(type: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(type, { target: 'draft-2020-12', io }) as Record<
    string,
    unknown
  >;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
});
const error = (description: string) => json('Error', description);
const common = {
  '401': error('UNAUTHENTICATED: the tailnet does not know the caller.'),
  '503': error('LOCALAPI_UNAVAILABLE: the local tailscaled cannot identify callers right now.'),
};
const intParam = (name: string, description: string, required: boolean) => ({
  name,
  in: 'query',
  required,
  description,
  schema: { type: 'integer' },
});

const timeParam = (name: string, description: string) => ({
  name,
  in: 'query',
  required: true,
  description,
  schema: { oneOf: [{ type: 'integer' }, { type: 'string', format: 'date-time' }] },
});

export function buildOpenApi(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Agromesh Farm API',
      version: `${FARM_API_VERSION}.0.0`,
      description:
        'Served by each farm gateway on its tailnet address (port 8080). Callers are identified by the tailnet ' +
        '(LocalAPI who-is on the remote address), never by request headers. Reads need any identified caller; ' +
        'POST /api/commands needs the operator role for the farm (capability agromesh.dev/cap/control-room) ' +
        'or an operator tag. The live stream is a WebSocket at /api/stream (see StreamMessage). ' +
        `Limits: body ${Limits.bodyBytes} bytes, headers ${Limits.headerBytes} bytes, WebSocket frame ${Limits.wsFrameBytes} bytes.`,
    },
    servers: [
      {
        url: 'http://{farm}:8080',
        variables: { farm: { default: 'farm-gateway', description: 'Tailnet address or MagicDNS name' } },
      },
    ],
    paths: {
      '/api/info': {
        get: {
          operationId: 'getInfo',
          summary: 'Farm, sensors and actuators',
          responses: { '200': json('FarmInfo', 'The farm.'), ...common },
        },
      },
      '/api/health': {
        get: {
          operationId: 'getHealth',
          summary: 'Gateway health',
          responses: {
            '200': json(
              'Health',
              'Health (status says ok or degraded). While who-is is down it still answers: degraded, with only the identity check.',
            ),
            '401': common['401'],
          },
        },
      },
      '/api/data/current': {
        get: {
          operationId: 'getCurrent',
          summary: 'Latest reading of every sensor (quality stale after three missed intervals)',
          responses: { '200': json('CurrentData', 'Latest readings.'), ...common },
        },
      },
      '/api/data/history': {
        get: {
          operationId: 'getHistory',
          summary: 'A sensor’s history, downsampled so spikes survive',
          parameters: [
            { name: 'sensor', in: 'query', required: true, schema: { type: 'string' } },
            timeParam('from', 'Start (inclusive): epoch ms or an ISO 8601 time with an offset.'),
            timeParam('to', 'End (inclusive), epoch ms or ISO 8601; at most 2 years after from.'),
            {
              ...intParam(
                'maxPoints',
                `At most this many points (2..${Limits.historyMaxPoints}, default 1000).`,
                false,
              ),
              schema: { type: 'integer', minimum: 2, maximum: Limits.historyMaxPoints },
            },
            {
              name: 'method',
              in: 'query',
              required: false,
              description: 'minmax (default) or lttb.',
              schema: { type: 'string', enum: ['minmax', 'lttb'] },
            },
          ],
          responses: {
            '200': json('HistoryResponse', 'Points; method and resolutionMs say how they were chosen.'),
            '404': error('No such sensor.'),
            '422': error('Bad query.'),
            ...common,
          },
        },
      },
      '/api/commands': {
        get: {
          operationId: 'listCommands',
          summary: 'Commands changed after a cursor (or the latest ones)',
          parameters: [
            {
              name: 'since',
              in: 'query',
              required: false,
              description: '`next` from a previous page, or an ISO 8601 time.',
              schema: { type: 'string' },
            },
            {
              ...intParam('limit', `Page size (1..${Limits.commandsPageMax}).`, false),
              schema: { type: 'integer', minimum: 1, maximum: Limits.commandsPageMax },
            },
          ],
          responses: {
            '200': json('CommandList', 'Commands, oldest change first.'),
            '422': error('Bad cursor.'),
            ...common,
          },
        },
        post: {
          operationId: 'submitCommand',
          summary: 'Submit a command (id is the idempotency key)',
          requestBody: { required: true, content: { 'application/json': { schema: ref('CommandRequest') } } },
          responses: {
            '202': json(
              'CommandRecord',
              'Accepted (or the same command again for a repeated id and payload).',
            ),
            '400': error('BAD_JSON: the body is not JSON.'),
            '403': error('FORBIDDEN: the caller lacks the operator role for this farm.'),
            '413': error('BODY_TOO_LARGE.'),
            '415': error('UNSUPPORTED_MEDIA_TYPE: send application/json.'),
            '422': error(
              'VALIDATION: unknown target or action, params out of bounds, or the id was used for a different command.',
            ),
            '507': error(
              "STORAGE_FULL: the gateway's disk is full; the command was not stored and will not run (retry once space is freed).",
            ),
            ...common,
          },
        },
      },
      '/api/commands/{id}': {
        get: {
          operationId: 'getCommand',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': json('CommandRecord', 'The command and its state history.'),
            '404': error('No such command.'),
            ...common,
          },
        },
      },
      '/api/stream': {
        get: {
          operationId: 'stream',
          summary: 'Live stream (WebSocket upgrade); each text frame is one StreamMessage',
          parameters: [
            {
              name: 'since',
              in: 'query',
              required: false,
              description: 'Last seq received; replays or sends a gap.',
              schema: { type: 'integer', minimum: 0 },
            },
          ],
          responses: {
            '101': { description: 'Switching protocols; frames are StreamMessage JSON.' },
            '400': error('Bad since.'),
            ...common,
          },
        },
      },
    },
    components: {
      schemas: {
        FarmInfo: schema(FarmInfo),
        Health: schema(Health),
        CurrentData: schema(CurrentData),
        HistoryResponse: schema(HistoryResponse),
        CommandRequest: schema(CommandRequest, 'input'),
        CommandRecord: schema(CommandRecord),
        CommandList: schema(CommandList),
        StreamMessage: schema(StreamMessage),
        Error: schema(ErrorBody),
      },
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv.includes('--write')
    ? fileURLToPath(new URL('../docs/openapi/farm-api.json', import.meta.url))
    : undefined;
  let text = JSON.stringify(buildOpenApi(), null, 2) + '\n';
  // Match the repository's formatting when prettier (a dev dependency) is installed.
  try {
    const prettier = await import('prettier');
    text = await prettier.format(text, {
      parser: 'json',
      ...(await prettier.resolveConfig(out ?? process.cwd())),
    });
  } catch {
    // plain JSON.stringify output is fine too
  }
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}
