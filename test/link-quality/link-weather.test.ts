/** The demo's link weather: spells change a node's path or take it offline, then put it back, on time. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startLinkWeather } from '../../sim/link-weather.ts';
import { SimTailnet } from '../../sim/tailnet/index.ts';

describe('link weather', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('relays a farm for a while, takes another offline, and restores both', () => {
    const tailnet = new SimTailnet({ seed: 3 });
    tailnet.addDevice({
      name: 'gw-a',
      tags: ['tag:farm'],
      connection: { kind: 'direct', endpoint: '203.0.113.2:41641' },
    });
    tailnet.addDevice({
      name: 'gw-b',
      tags: ['tag:farm'],
      connection: { kind: 'direct', endpoint: '203.0.113.3:41641' },
    });
    const outages: Array<[string, boolean]> = [];
    const weather = startLinkWeather(
      tailnet,
      [
        {
          node: 'gw-a',
          everyMs: 10_000,
          forMs: 4_000,
          offsetMs: 1_000,
          change: { kind: 'relay', region: 'fra' },
        },
        { node: 'gw-b', everyMs: 20_000, forMs: 2_000, offsetMs: 5_000, change: { kind: 'offline' } },
        { node: 'gw-gone', everyMs: 1_000, forMs: 500, change: { kind: 'offline' } },
      ],
      { onOutage: (node, down) => outages.push([node, down]), tickMs: 1_000 },
    );
    vi.advanceTimersByTime(1_500);
    expect(tailnet.device('gw-a')!.connection).toEqual({ kind: 'relay', region: 'fra' });
    vi.advanceTimersByTime(4_000); // 5.5 s
    expect(tailnet.device('gw-a')!.connection).toEqual({ kind: 'direct', endpoint: '203.0.113.2:41641' });
    expect(tailnet.device('gw-b')!.online).toBe(false);
    vi.advanceTimersByTime(2_000); // 7.5 s
    expect(tailnet.device('gw-b')!.online).toBe(true);
    expect(outages).toEqual([
      ['gw-b', true],
      ['gw-b', false],
    ]);
    vi.advanceTimersByTime(4_000); // 11.5 s: the next spell
    expect(tailnet.device('gw-a')!.connection.kind).toBe('relay');
    // Reachable farms moved bytes meanwhile.
    expect(tailnet.device('gw-a')!.rxBytes).toBeGreaterThan(0);
    weather.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });
});
