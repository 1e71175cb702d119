/**
 * `scripts/netbed/netbed.sh up|down|status` — the testbed by hand. `up` leaves a persistent testbed
 * (control room, registry, N farms) and prints its hosts; `down` removes one prefix, or every stale one,
 * or (--all) every testbed on the machine; `status` lists what exists.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import {
  createTestbed,
  destroyPrefix,
  leftoverPrefixes,
  prefixOwnerAlive,
  sweepStale,
  testbedUnavailableReason,
} from './testbed.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    farms: { type: 'string', default: '2' },
    prefix: { type: 'string' },
    all: { type: 'boolean', default: false },
  },
});
const cmd = positionals[0] ?? 'status';

function namespacesOf(prefix: string): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`${prefix}-`));
}

if (process.getuid?.() !== 0) {
  process.stderr.write(
    'netbed: needs root (network namespaces, veth, TUN). Run it as root (sudo) or in CI.\n',
  );
  process.exit(2);
}

if (cmd === 'up') {
  const reason = testbedUnavailableReason();
  if (reason) {
    process.stderr.write(`netbed: ${reason}\n`);
    process.exit(2);
  }
  const farms = Math.max(1, Math.min(200, Number(values.farms) || 2));
  const tb = await createTestbed({
    persistent: true,
    ...(values.prefix ? { prefix: values.prefix } : {}),
    hosts: [
      { name: 'cr' },
      { name: 'registry' },
      ...Array.from({ length: farms }, (_, i) => ({ name: `farm-${i + 1}` })),
    ],
  });
  process.stdout.write(
    JSON.stringify({ prefix: tb.prefix, hosts: tb.hosts.map(({ publicKey: _k, ...h }) => h) }, null, 2) +
      `\n# try: ip netns exec ${tb.host('cr').ns} ping -c1 ${tb.host('farm-1').ipv4[0]}\n# then: scripts/netbed/netbed.sh down --prefix ${tb.prefix}\n`,
  );
  process.exit(0);
} else if (cmd === 'down') {
  const targets = values.prefix ? [values.prefix] : values.all ? leftoverPrefixes() : [];
  for (const p of targets) destroyPrefix(p);
  const stale = values.prefix || values.all ? [] : sweepStale();
  process.stdout.write(`removed: ${[...targets, ...stale].join(' ') || '(nothing)'}\n`);
} else if (cmd === 'status') {
  const prefixes = leftoverPrefixes();
  if (prefixes.length === 0) process.stdout.write('no netbed testbeds on this machine\n');
  for (const p of prefixes) {
    process.stdout.write(
      `${p}  owner ${prefixOwnerAlive(p) ? 'alive' : 'dead (stale)'}  namespaces: ${namespacesOf(p).join(' ') || '-'}\n`,
    );
  }
} else {
  process.stderr.write(
    'usage: netbed.sh up [--farms N] [--prefix agmXXXX] | down [--prefix P | --all] | status\n',
  );
  process.exit(2);
}
