/**
 * The underlay "switch" of the testbed: a UDP relay running inside the bridge namespace. Every host's
 * WireGuard reaches peer j at relay:(basePort + j); the relay forwards from its socket for the sender, so
 * the receiver sees (and roams to) the relay address that leads back. Being in the path lets the testbed
 * inject loss, delay and silent black holes per host without `tc netem` (the CI kernel has no sch_netem,
 * no tc classifiers/actions and no nft binary).
 *
 * Run: node underlay-relay.ts '<json config>' — control over the Node IPC channel:
 *   { id, op: 'impair', host, impairment }  { id, op: 'stats' }  → { id, ok, value? , error? }
 */
import { type Socket, createSocket } from 'node:dgram';

export interface RelayHost {
  index: number;
  /** Underlay address and WireGuard listen port of the host. */
  addr: string;
  port: number;
}

export interface RelayConfig {
  bind: string;
  basePort: number;
  hosts: RelayHost[];
  /** Outlive the parent (netbed.sh up): stay when the IPC channel closes. */
  persistent?: boolean;
}

export interface Impairment {
  /** Drop this share of packets to and from the host (0–100, each direction). */
  lossPct?: number;
  /** Extra one-way delay for packets to and from the host. */
  delayMs?: number;
  /** Uniform extra delay 0…jitterMs. */
  jitterMs?: number;
  /** Drop everything silently: no ICMP, no reset — a black hole. */
  blackhole?: boolean;
}

export interface RelayStats {
  forwarded: number;
  dropped: number;
  byHost: Record<number, { in: number; out: number; dropped: number }>;
}

export type RelayCommand = { op: 'impair'; host: number; impairment: Impairment } | { op: 'stats' };
export type RelayRequest = RelayCommand & { id: number };

export type RelayReply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: string };

async function main(config: RelayConfig): Promise<void> {
  const sockets = new Map<number, Socket>();
  const byAddr = new Map<string, RelayHost>();
  const impairments = new Map<number, Impairment>();
  const stats: RelayStats = { forwarded: 0, dropped: 0, byHost: {} };
  for (const h of config.hosts) {
    byAddr.set(`${h.addr}:${h.port}`, h);
    stats.byHost[h.index] = { in: 0, out: 0, dropped: 0 };
  }

  const fate = (host: number): { drop: boolean; delay: number } => {
    const imp = impairments.get(host);
    if (!imp) return { drop: false, delay: 0 };
    if (imp.blackhole) return { drop: true, delay: 0 };
    if ((imp.lossPct ?? 0) > 0 && Math.random() * 100 < (imp.lossPct ?? 0)) return { drop: true, delay: 0 };
    return { drop: false, delay: (imp.delayMs ?? 0) + Math.random() * (imp.jitterMs ?? 0) };
  };

  for (const dst of config.hosts) {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    socket.on('message', (msg, rinfo) => {
      const src = byAddr.get(`${rinfo.address}:${rinfo.port}`);
      if (!src) return; // not one of ours
      const out = sockets.get(src.index);
      if (!out) return;
      stats.byHost[src.index]!.out += 1;
      const a = fate(src.index);
      const b = fate(dst.index);
      if (a.drop || b.drop) {
        stats.dropped += 1;
        stats.byHost[(a.drop ? src : dst).index]!.dropped += 1;
        return;
      }
      const send = () => {
        stats.forwarded += 1;
        stats.byHost[dst.index]!.in += 1;
        out.send(msg, dst.port, dst.addr);
      };
      const delay = a.delay + b.delay;
      if (delay > 0) setTimeout(send, delay);
      else send();
    });
    sockets.set(dst.index, socket);
  }
  await Promise.all(
    [...sockets.entries()].map(
      ([index, s]) =>
        new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.bind(config.basePort + index, config.bind, () => resolve());
        }),
    ),
  );

  const reply = (r: RelayReply) => process.send?.(r);
  process.on('message', (raw: RelayRequest) => {
    try {
      if (raw.op === 'impair') {
        const imp = raw.impairment;
        if (!imp.blackhole && !imp.lossPct && !imp.delayMs && !imp.jitterMs) impairments.delete(raw.host);
        else impairments.set(raw.host, { ...imp });
        reply({ id: raw.id, ok: true });
      } else if (raw.op === 'stats') {
        reply({ id: raw.id, ok: true, value: stats });
      } else {
        reply({ id: (raw as { id: number }).id, ok: false, error: 'unknown op' });
      }
    } catch (err) {
      reply({ id: raw.id, ok: false, error: String(err) });
    }
  });
  // The testbed owns us: when its channel closes we go too (no orphan relays).
  if (!config.persistent) process.on('disconnect', () => process.exit(0));
  process.send?.({ id: 0, ok: true, value: 'ready' } satisfies RelayReply);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '\0')) {
  main(JSON.parse(process.argv[2] ?? '{}') as RelayConfig).catch((err: unknown) => {
    process.stderr.write(`underlay relay failed: ${String(err)}\n`);
    process.exit(1);
  });
}
