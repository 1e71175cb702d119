/**
 * Link weather for the demo world: some farms' paths change now and then, the way a farm behind a fickle
 * NAT falls back to a DERP relay, or a rural uplink drops for a minute. Each spell changes one simulated
 * node (its path, or online) for `forMs` every `everyMs`, then puts it back, so the link band and the Link
 * card have something to show. Byte counters grow with the time a node is reachable.
 */
import type { SimDevice, SimTailnet } from './tailnet/model.ts';

export interface LinkSpell {
  /** Simulated node name (the demo world names gateways `gw-<farm id>`). */
  node: string;
  everyMs: number;
  forMs: number;
  /** The first spell starts this long after the weather does. */
  offsetMs?: number;
  change: { kind: 'relay'; region: string } | { kind: 'offline' };
}

/** The demo's weather: one farm relayed for 4 min in every 15, another unreachable for 6 min in
 * every 30 (its gateway catches up its readings afterwards, as a farm logging locally would). */
export const DEMO_LINK_WEATHER: readonly LinkSpell[] = [
  {
    node: 'gw-korenovsk-fields',
    everyMs: 15 * 60_000,
    forMs: 4 * 60_000,
    offsetMs: 60_000,
    change: { kind: 'relay', region: 'fra' },
  },
  {
    node: 'gw-tikhoretsk-grain',
    everyMs: 30 * 60_000,
    forMs: 6 * 60_000,
    offsetMs: 3 * 60_000,
    change: { kind: 'offline' },
  },
];

const BYTES_PER_TICK = { rx: 4_200, tx: 900 };

export interface LinkWeatherOptions {
  /** Called as an outage starts and ends (the demo world freezes the farm's gateway meanwhile). */
  onOutage?: (node: string, down: boolean) => void;
  tickMs?: number;
}

export function startLinkWeather(
  tailnet: SimTailnet,
  spells: readonly LinkSpell[],
  options: LinkWeatherOptions = {},
): { dispose(): void } {
  const tickMs = options.tickMs ?? 10_000;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    timers.add(timer);
  };
  const spell = (s: LinkSpell) => {
    const before: SimDevice | undefined = tailnet.device(s.node);
    if (before) {
      if (s.change.kind === 'offline') {
        tailnet.setOnline(s.node, false);
        options.onOutage?.(s.node, true);
        later(s.forMs, () => {
          options.onOutage?.(s.node, false);
          if (tailnet.device(s.node)) tailnet.setOnline(s.node, true);
        });
      } else {
        const previous = before.connection;
        tailnet.setConnection(s.node, { kind: 'relay', region: s.change.region });
        later(s.forMs, () => tailnet.device(s.node) && tailnet.setConnection(s.node, previous));
      }
    }
    later(s.everyMs, () => spell(s));
  };
  for (const s of spells) later(s.offsetMs ?? 0, () => spell(s));
  // Traffic: every reachable node moves a little data each tick (the gateways' streams).
  const traffic = setInterval(() => {
    for (const d of tailnet.devices()) {
      if (!d.online || !d.tags.includes('tag:farm')) continue;
      d.rxBytes += BYTES_PER_TICK.rx;
      d.txBytes += BYTES_PER_TICK.tx;
    }
  }, tickMs);
  traffic.unref();
  return {
    dispose() {
      clearInterval(traffic);
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
