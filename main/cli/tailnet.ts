/**
 * `agromesh tailnet …`: inspect and manage the tailnet through whichever backend the flags/env select
 * (local tailscaled, Tailscale API v2, Headscale). Errors say what was tried and what to do next.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AgromeshError } from '../../protocol/errors.ts';
import type { TailnetDevice } from '../../protocol/device.ts';
import { createLogger } from '../../kit/log.ts';
import { type TailnetConfig, chooseTailnetBackend, createTailscaleManager } from '../core/tailnet/factory.ts';
import type { TailscaleManager } from '../core/tailnet/manager.ts';
import { parseDuration } from '../../protocol/duration.ts';
import { type CliIO, table } from './io.ts';
import { TAILNET_FLAG_OPTIONS, tailnetConfigFromFlags } from './tailnet-flags.ts';

const USAGE = `Usage: agromesh tailnet <command> [options]

Commands:
  devices [--tag TAG] [--json]          list devices (optionally only those with TAG)
  whois ADDR [--json]                   who is behind a tailnet address (ip, ip:port, [v6]:port)
  tag DEVICE TAG[,TAG]                  replace a device's tags (DEVICE: name, MagicDNS name or id)
  authkey --tag TAG [--ephemeral] [--reusable] [--expiry DURATION] [--description TEXT] [--json]
                                        create a pre-authorized auth key (shown once)
  acl get                               print the policy file (HuJSON)
  acl validate FILE                     check a policy file with the control plane
  acl set FILE [--if-match ETAG]        replace the policy file
  watch [--json]                        print device changes as they happen (Ctrl-C to stop)

Backend (default: Headscale if --headscale-url, the Tailscale API if TS_API_KEY or
TS_OAUTH_CLIENT_ID/TS_OAUTH_CLIENT_SECRET are set, otherwise the local tailscaled):
  --backend auto|localapi|api-v2|headscale
  --local-api-socket PATH               tailscaled socket (default: detect per platform)
  --api-url URL                         Tailscale API base (default https://api.tailscale.com)
  --tailnet NAME                        tailnet (organization) name; default "-" (the key's own)
  --headscale-url URL  --headscale-api-key KEY (or HEADSCALE_API_KEY)  --headscale-user NAME
  --verbose                             log requests and retries to stderr
`;

const OPTIONS = {
  tag: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  ephemeral: { type: 'boolean' },
  reusable: { type: 'boolean' },
  expiry: { type: 'string' },
  description: { type: 'string' },
  'if-match': { type: 'string' },
  ...TAILNET_FLAG_OPTIONS,
  'headscale-user': { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function ago(iso: string | null): string {
  if (iso === null) return 'offline';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  const text =
    s < 90
      ? `${s}s`
      : s < 5400
        ? `${Math.round(s / 60)}m`
        : s < 129_600
          ? `${Math.round(s / 3600)}h`
          : `${Math.round(s / 86_400)}d`;
  return `offline ${text}`;
}

function pathText(d: TailnetDevice): string {
  return d.connection.kind === 'direct'
    ? `direct ${d.connection.endpoint}`
    : d.connection.kind === 'relay'
      ? `relay ${d.connection.region}`
      : '-';
}

function devicesTable(devices: TailnetDevice[]): string {
  return table(
    ['NAME', 'ADDRESS', 'TAGS', 'OS', 'STATUS', 'OWNER', 'PATH'],
    devices.map((d) => [
      d.name,
      d.ipv4[0] ?? d.ipv6[0] ?? '-',
      d.tags.join(',') || '-',
      d.os || '-',
      d.online ? 'online' : ago(d.lastSeen),
      d.owner || '-',
      pathText(d),
    ]),
  );
}

function splitTags(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => (t.startsWith('tag:') ? t : `tag:${t}`));
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.stderr(`agromesh tailnet: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (v.help || command === undefined || command === 'help') {
    io.stdout(USAGE);
    return command === undefined && !v.help ? 2 : 0;
  }
  const logger = createLogger('tailnet', {
    level: v.verbose ? 'debug' : 'warn',
    write: (line) => io.stderr(line + '\n'),
  });
  const config: TailnetConfig = {
    ...tailnetConfigFromFlags(v, io.env, logger),
    ...(v['headscale-user'] ? { headscaleUser: v['headscale-user'] } : {}),
  };

  let manager: TailscaleManager | undefined;
  let reason = '';
  try {
    reason = chooseTailnetBackend(config).reason;
    manager = createTailscaleManager(config);
    return await dispatch(manager, command, rest, v, io);
  } catch (err) {
    if (!(err instanceof AgromeshError)) throw err;
    io.stderr(`agromesh tailnet: ${err.message} [${err.code}]\n`);
    if (manager)
      io.stderr(
        `  (backend: ${manager.kind}${manager.target ? ` at ${manager.target}` : ''}; chosen because ${reason})\n`,
      );
    return err.code === 'VALIDATION' ? 2 : 1;
  } finally {
    await manager?.dispose();
  }
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

async function dispatch(
  m: TailscaleManager,
  command: string,
  rest: string[],
  v: Values,
  io: CliIO,
): Promise<number> {
  const out = (value: unknown) => io.stdout(JSON.stringify(value, null, 2) + '\n');
  switch (command) {
    case 'devices': {
      const tags = splitTags(v.tag);
      let devices = await m.listDevices(tags.length === 1 ? { tag: tags[0]! } : undefined);
      if (tags.length > 1) devices = devices.filter((d) => tags.every((t) => d.tags.includes(t)));
      if (v.json) out(devices);
      else io.stdout(devices.length === 0 ? 'No devices.\n' : devicesTable(devices));
      return 0;
    }
    case 'whois': {
      const [addr] = rest;
      if (!addr)
        throw new AgromeshError('VALIDATION', 'whois needs an address: agromesh tailnet whois 100.64.0.1');
      const who = await m.whois(addr);
      if (who === null) {
        if (v.json) out(null);
        else io.stderr(`No tailnet node has the address ${addr}.\n`);
        return 1;
      }
      if (v.json) out(who);
      else {
        const caps = Object.keys(who.capabilities);
        io.stdout(
          table(
            ['FIELD', 'VALUE'],
            [
              ['node', `${who.nodeName} (${who.nodeId})`],
              ['address', who.address],
              ['user', who.userDisplayName ? `${who.user} (${who.userDisplayName})` : who.user],
              ['tags', who.tags.join(',') || '-'],
              ['capabilities', caps.join(', ') || '-'],
            ],
          ),
        );
      }
      return 0;
    }
    case 'tag': {
      const [ref, tagList] = rest;
      if (!ref || !tagList)
        throw new AgromeshError(
          'VALIDATION',
          'tag needs a device and tags: agromesh tailnet tag farm-north tag:farm',
        );
      const tags = splitTags([tagList]);
      const device = await m.findDevice(ref);
      const id = device?.id ?? ref;
      await m.setTags(id, tags);
      io.stdout(`Tagged ${device?.name ?? id} with ${tags.join(', ')}.\n`);
      return 0;
    }
    case 'authkey': {
      const tags = splitTags(v.tag);
      if (tags.length === 0)
        throw new AgromeshError('VALIDATION', 'authkey needs at least one --tag (e.g. --tag tag:farm).');
      const key = await m.createAuthKey({
        tags,
        ephemeral: v.ephemeral ?? false,
        reusable: v.reusable ?? false,
        preauthorized: true,
        ...(v.expiry ? { expirySeconds: parseDuration(v.expiry) } : {}),
        ...(v.description ? { description: v.description } : {}),
      });
      if (v.json) out(key);
      else {
        io.stdout(`${key.key}\n`);
        io.stderr(
          `Auth key ${key.id} for ${key.tags.join(', ')}${key.expires ? `, expires ${key.expires}` : ''}. It is shown only once.\n`,
        );
      }
      return 0;
    }
    case 'acl': {
      const [sub, file] = rest;
      if (sub === 'get') {
        const policy = await m.getPolicy();
        if (v.json) out(policy);
        else {
          io.stdout(policy.text.endsWith('\n') ? policy.text : policy.text + '\n');
          if (policy.etag) io.stderr(`ETag: ${policy.etag}\n`);
        }
        return 0;
      }
      if ((sub === 'validate' || sub === 'set') && file) {
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (err) {
          throw new AgromeshError(
            'VALIDATION',
            `Cannot read the policy file ${file}: ${(err as Error).message}`,
          );
        }
        if (sub === 'validate') {
          const result = await m.validatePolicy(text);
          if (v.json) out(result);
          else if (result.ok) io.stdout(`${file}: the policy file is valid.\n`);
          else
            io.stderr(
              `${file}: ${result.message ?? 'invalid'}\n${result.errors.map((e) => `  - ${e}\n`).join('')}`,
            );
          return result.ok ? 0 : 1;
        }
        const updated = await m.setPolicy(text, v['if-match'] ?? null);
        if (v.json) out(updated);
        else io.stdout(`Policy file updated${updated.etag ? ` (ETag ${updated.etag})` : ''}.\n`);
        return 0;
      }
      throw new AgromeshError(
        'VALIDATION',
        'Use: agromesh tailnet acl get | acl validate FILE | acl set FILE [--if-match ETAG]',
      );
    }
    case 'watch': {
      let stop!: () => void;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      const unsubscribe = m.watch((change) => {
        if (v.json) io.stdout(JSON.stringify(change) + '\n');
        else if (change.type === 'snapshot') io.stdout(devicesTable(change.devices));
        else if (change.type === 'upsert')
          io.stdout(
            `changed  ${change.device.name}  ${change.device.online ? 'online' : 'offline'}  ${change.device.tags.join(',') || '-'}\n`,
          );
        else io.stdout(`removed  ${change.id}\n`);
      });
      await Promise.race([io.stopSignal, stopped]);
      stop();
      unsubscribe();
      return 0;
    }
    default:
      throw new AgromeshError(
        'VALIDATION',
        `Unknown tailnet command "${command}". Run "agromesh tailnet --help".`,
      );
  }
}
