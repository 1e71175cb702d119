/**
 * The testbed itself: ICMP and TCP over userspace WireGuard between namespaces (v4 and v6), the source
 * address a server sees is the caller's tunnel address, faults behave like the real thing (a black hole
 * is silence, not a reset; a partition heals), and nothing is left behind — even by a killed run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netbedSkipReason, NET } from './support.ts';
import { type Testbed, STATE_DIR, createTestbed, leftoverPrefixes, sweepStale } from './testbed.ts';
import type { ProbeOutcome } from './scenarios/net.ts';

const skip = netbedSkipReason();

function leftovers(prefix: string): string[] {
  const ns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith(`${prefix}-`));
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(prefix));
  const uapi = existsSync('/var/run/wireguard')
    ? readdirSync('/var/run/wireguard').filter((f) => f.startsWith(prefix))
    : [];
  const state = existsSync(STATE_DIR) ? readdirSync(STATE_DIR).filter((f) => f.startsWith(prefix)) : [];
  return [...ns, ...links, ...uapi, ...state];
}

describe.skipIf(skip !== undefined)(`netbed smoke${skip ? ` — skipped: ${skip}` : ''}`, () => {
  let tb: Testbed;
  let farmAgentPid = 0;
  const farm = '100.64.100.2';
  const farm6 = 'fd7a:115c:a1e0::100:2';

  beforeAll(async () => {
    tb = await createTestbed({ hosts: [{ name: 'cr' }, { name: 'farm-1' }, { name: 'farm-2' }] });
    const f = await tb.agent('farm-1');
    await f.call(NET, 'startTcpEcho', 'echo4', farm, 7000);
    await f.call(NET, 'startTcpEcho', 'echo6', farm6, 7000);
    await f.call(NET, 'startTcpWhoami', 'who', '::', 7001);
    await f.call(NET, 'startUdpEcho', 'udp', farm, 7002);
    farmAgentPid = f.pid;
  });
  afterAll(async () => {
    await tb?.dispose();
  });

  it('pings across the tunnel (ICMP over WireGuard, IPv4 and IPv6)', async () => {
    const hasPing = (await tb.exec('cr', ['sh', '-c', 'command -v ping'])).code === 0;
    if (hasPing) {
      const v4 = await tb.exec('cr', ['ping', '-c', '2', '-W', '3', farm], { timeoutMs: 15_000 });
      expect(v4.stdout).toMatch(/2 received/);
      const v6 = await tb.exec('cr', ['ping', '-6', '-c', '2', '-W', '3', farm6], { timeoutMs: 15_000 });
      expect(v6.stdout).toMatch(/2 received/);
    } else {
      // iputils-ping is not installed: a UDP echo proves the same datagram path.
      const cr = await tb.agent('cr');
      expect((await cr.call<ProbeOutcome>(NET, 'udpRoundTrip', farm, 7002, 5_000)).kind).toBe('echoed');
    }
    // And nothing reaches a farm from outside its namespace's tunnel: the underlay carries only WireGuard.
    const wg = await tb.exec('farm-1', ['wg', 'show', tb.host('farm-1').wgIf, 'latest-handshakes']);
    expect(wg.stdout).toContain(tb.host('cr').publicKey);
  });

  it('carries TCP both ways over IPv4 and IPv6, and the server sees the tunnel source address', async () => {
    const cr = await tb.agent('cr');
    expect(await cr.call<ProbeOutcome>(NET, 'tcpRoundTrip', farm, 7000, 200_000, 10_000)).toMatchObject({
      kind: 'echoed',
      bytes: 200_000,
    });
    expect(await cr.call<ProbeOutcome>(NET, 'tcpRoundTrip', farm6, 7000, 10_000, 10_000)).toMatchObject({
      kind: 'echoed',
    });
    expect(await cr.call<string>(NET, 'tcpWhoami', farm, 7001, 5_000)).toMatch(/^(::ffff:)?100\.64\.100\.1$/);
    expect(await cr.call<string>(NET, 'tcpWhoami', farm6, 7001, 5_000)).toBe('fd7a:115c:a1e0::100:1');
    const f2 = await tb.agent('farm-2');
    expect(await f2.call<string>(NET, 'tcpWhoami', farm, 7001, 5_000)).toMatch(/100\.64\.100\.3$/);
  });

  it('a closed port answers with a reset, but a black hole is silence: timeouts, never a reset', async () => {
    const cr = await tb.agent('cr');
    expect(await cr.call<ProbeOutcome>(NET, 'tcpRoundTrip', farm, 7999, 10, 5_000)).toMatchObject({
      kind: 'reset',
      code: 'ECONNREFUSED',
    });
    expect(await cr.call<ProbeOutcome>(NET, 'holdConnection', 'h1', farm, 7000, 5_000)).toMatchObject({
      kind: 'echoed',
    });
    await tb.blackhole('farm-1');
    try {
      expect(await cr.call<ProbeOutcome>(NET, 'echoOnHeld', 'h1', 1_500)).toMatchObject({
        kind: 'timeout',
        phase: 'reply',
      });
      expect(await cr.call<ProbeOutcome>(NET, 'tcpRoundTrip', farm, 7999, 10, 1_500)).toMatchObject({
        kind: 'timeout',
        phase: 'connect',
      });
      const stats = await tb.relayStats();
      expect(stats.byHost[tb.host('farm-1').index]!.dropped).toBeGreaterThan(0);
    } finally {
      await tb.heal('farm-1');
    }
    // The held connection survives the outage: TCP retransmits once the path is back.
    expect(await cr.call<ProbeOutcome>(NET, 'echoOnHeld', 'h1', 15_000)).toMatchObject({ kind: 'echoed' });
    await cr.call(NET, 'dropHeld', 'h1');
  });

  it('a client that resets mid-echo leaves the echo server (and its agent) serving', async () => {
    const cr = await tb.agent('cr');
    for (let i = 0; i < 5; i += 1)
      expect(await cr.call<string>(NET, 'resetMidEcho', farm, 7000, 1 << 20, 10_000)).toBe('reset sent');
    expect(await cr.call<ProbeOutcome>(NET, 'tcpRoundTrip', farm, 7000, 10, 5_000)).toMatchObject({
      kind: 'echoed',
    });
    expect((await tb.agent('farm-1')).pid).toBe(farmAgentPid);
  });

  it('a partition (link down) cuts the farm off and heals when the link comes back', async () => {
    const cr = await tb.agent('cr');
    await tb.linkDown('farm-1');
    try {
      expect(await cr.call<ProbeOutcome>(NET, 'tcpRoundTrip', farm, 7000, 10, 1_500)).toMatchObject({
        kind: 'timeout',
      });
      // The other farm is unaffected.
      expect(
        await cr.call<string>(NET, 'tcpWhoami', '100.64.100.3', 7001, 3_000).catch((e: Error) => e.message),
      ).toMatch(/refused|ECONNREFUSED/i);
    } finally {
      await tb.linkUp('farm-1');
    }
    expect(await cr.call<ProbeOutcome>(NET, 'tcpRoundTrip', farm, 7000, 10, 15_000)).toMatchObject({
      kind: 'echoed',
    });
  });

  it('delay and loss are applied on the underlay; TCP still delivers everything under 20% loss', async () => {
    const cr = await tb.agent('cr');
    const base = await cr.call<ProbeOutcome & { kind: 'echoed' }>(NET, 'tcpRoundTrip', farm, 7000, 10, 5_000);
    await tb.impair('farm-1', { delayMs: 150 });
    try {
      // connect (1 RTT) + echo (1 RTT), each RTT +300 ms (150 ms each way): at least 600 ms whatever the
      // baseline was (the baseline itself varies with the machine's load, so it is not added).
      const slow = await cr.call<ProbeOutcome>(NET, 'tcpRoundTrip', farm, 7000, 10, 10_000);
      expect(slow.kind).toBe('echoed');
      expect(slow.ms).toBeGreaterThanOrEqual(590);
      expect(slow.ms).toBeGreaterThan(base.ms);
    } finally {
      await tb.impair('farm-1', {});
    }
    const before = (await tb.relayStats()).dropped;
    await tb.impair('farm-1', { lossPct: 20 });
    try {
      expect(await cr.call<ProbeOutcome>(NET, 'tcpRoundTrip', farm, 7000, 300_000, 60_000)).toMatchObject({
        kind: 'echoed',
        bytes: 300_000,
      });
      expect((await tb.relayStats()).dropped).toBeGreaterThan(before);
    } finally {
      await tb.impair('farm-1', {});
    }
  });

  it('dispose removes every namespace, interface, UAPI socket and state file of the run', async () => {
    const other = await createTestbed({ hosts: [{ name: 'a' }, { name: 'b' }] });
    expect(leftovers(other.prefix).length).toBeGreaterThan(0);
    await other.dispose();
    await other.dispose(); // idempotent
    expect(leftovers(other.prefix)).toEqual([]);
  });

  it('a run killed with SIGKILL leaves leftovers that the next run sweeps (owner dead), without touching live runs', async () => {
    const script = new URL('./support/crash-run.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const prefix = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /PREFIX (agm[0-9a-f]{4})/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`crash-run exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(leftovers(prefix).length).toBeGreaterThan(0);
    expect(leftoverPrefixes()).toContain(tb.prefix);
    const removed = sweepStale();
    expect(removed).toContain(prefix);
    expect(removed).not.toContain(tb.prefix);
    expect(leftovers(prefix)).toEqual([]);
    // Our own run is untouched, and the farm's servers have run in the same process all along.
    const cr = await tb.agent('cr');
    expect(await cr.call<ProbeOutcome>(NET, 'tcpRoundTrip', farm, 7000, 10, 5_000)).toMatchObject({
      kind: 'echoed',
    });
    expect((await tb.agent('farm-1')).pid).toBe(farmAgentPid);
  });
});
