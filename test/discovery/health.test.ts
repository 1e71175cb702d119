import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FarmHealth } from '../../protocol/app/index.ts';
import { computeHealth, formatAge, type HealthInput } from '../../main/core/discovery/health.ts';

const NOW = Date.parse('2026-05-01T12:00:00Z');
const T = { staleAfterMs: 5 * 60_000, offlineAfterMs: 90_000 };

function input(overrides: Partial<HealthInput> = {}): HealthInput {
  return {
    device: { online: true, lastSeen: null, connection: { kind: 'direct', endpoint: '203.0.113.4:41641' } },
    tailnetConfirmedAt: NOW,
    gateway: { answering: true, okAt: NOW - 2_000, failAt: null, failDetail: null },
    heartbeatAt: null,
    lastReadingAt: NOW - 4_000,
    ...overrides,
  };
}

describe('farm health', () => {
  it('is ok with every layer confirmed, and says how fresh the data is', () => {
    const { health } = computeHealth(input(), NOW, T);
    expect(health).toMatchObject({
      overall: 'ok',
      reason: 'Online: the gateway answers and the freshest reading is 4 s old.',
      tailnet: {
        state: 'ok',
        detail: 'online, direct path (203.0.113.4:41641)',
        at: new Date(NOW).toISOString(),
      },
      gateway: { state: 'ok', at: new Date(NOW - 2_000).toISOString() },
      data: { state: 'ok', detail: 'freshest reading 4 s old' },
    });
  });

  it('blames the gateway program when the node is online but the gateway is silent', () => {
    const gw = { answering: false, okAt: NOW - 30_000, failAt: NOW, failDetail: 'connection refused' };
    const recent = computeHealth(input({ gateway: gw }), NOW, T).health;
    expect(recent.overall).toBe('degraded');
    expect(recent.reason).toBe(
      'The gateway is not answering; the tailnet says the node is online, so the gateway program is likely stopped.',
    );
    expect(recent.gateway.detail).toBe('not answering (connection refused); last answered 30 s ago');
    const long = computeHealth(input({ gateway: { ...gw, okAt: NOW - 10 * 60_000 } }), NOW, T).health;
    expect(long.overall).toBe('offline');
  });

  it('suspects the path when the gateway is silent to us but heartbeats to the registry', () => {
    const { health, cause } = computeHealth(
      input({
        gateway: { answering: false, okAt: null, failAt: NOW, failDetail: 'timeout' },
        heartbeatAt: NOW - 20_000,
      }),
      NOW,
      T,
    );
    expect(cause).toBe('gateway-blocked');
    expect(health.reason).toMatch(
      /^The gateway is not answering this computer, yet it sent a heartbeat to the registry 20 s ago/,
    );
  });

  it('does not suspect the path when the last heartbeat came before the gateway fell silent', () => {
    const gateway = {
      answering: false,
      okAt: NOW - 8_000,
      failAt: NOW,
      failDetail: 'refused',
      downSince: NOW - 5_000,
    };
    const stopped = computeHealth(input({ gateway, heartbeatAt: NOW - 6_000 }), NOW, T);
    expect(stopped.cause).toBe('gateway-down');
    expect(stopped.health.reason).toMatch(/the gateway program is likely stopped/);
    // Heartbeats that keep coming after it fell silent to us do point at the path.
    expect(computeHealth(input({ gateway, heartbeatAt: NOW - 1_000 }), NOW, T).cause).toBe('gateway-blocked');
  });

  it('is offline when the tailnet says so, whatever the gateway said before', () => {
    const { health } = computeHealth(
      input({
        device: {
          online: false,
          lastSeen: new Date(NOW - 3 * 3_600_000).toISOString(),
          connection: { kind: 'unknown' },
        },
      }),
      NOW,
      T,
    );
    expect(health).toMatchObject({
      overall: 'offline',
      tailnet: { state: 'down', detail: 'offline; last seen 3 h ago' },
      gateway: { state: 'unknown' },
    });
    expect(health.reason).toBe(
      'The tailnet says the node is offline (last seen 3 h ago), so its gateway and sensors cannot be reached.',
    );
  });

  it('is stale when the gateway answers but readings stopped', () => {
    const { health } = computeHealth(input({ lastReadingAt: NOW - 12 * 60_000 }), NOW, T);
    expect(health).toMatchObject({ overall: 'stale', data: { state: 'degraded' } });
  });

  it('marks relayed paths without degrading the farm', () => {
    const { health } = computeHealth(
      input({ device: { online: true, lastSeen: null, connection: { kind: 'relay', region: 'fra' } } }),
      NOW,
      T,
    );
    expect(health.overall).toBe('ok');
    expect(health.reason).toMatch(/^Online \(through a relay\)/);
  });

  it('always produces a FarmHealth the contract accepts, with a non-empty reason', () => {
    const maybeTime = fc.option(fc.integer({ min: NOW - 10 * 86_400_000, max: NOW }), { nil: null });
    const arb = fc.record({
      online: fc.boolean(),
      lastSeen: maybeTime,
      relay: fc.constantFrom('direct', 'relay', 'unknown'),
      answering: fc.option(fc.boolean(), { nil: null }),
      okAt: maybeTime,
      failAt: maybeTime,
      heartbeatAt: maybeTime,
      lastReadingAt: maybeTime,
    });
    fc.assert(
      fc.property(arb, (a) => {
        const connection =
          a.relay === 'direct'
            ? { kind: 'direct' as const, endpoint: '1.2.3.4:1' }
            : a.relay === 'relay'
              ? { kind: 'relay' as const, region: 'ams' }
              : { kind: 'unknown' as const };
        const { health } = computeHealth(
          {
            device: {
              online: a.online,
              lastSeen: a.lastSeen === null ? null : new Date(a.lastSeen).toISOString(),
              connection,
            },
            tailnetConfirmedAt: a.online ? NOW : null,
            gateway: {
              answering: a.answering,
              okAt: a.okAt,
              failAt: a.failAt,
              failDetail: a.answering === false ? 'x' : null,
            },
            heartbeatAt: a.heartbeatAt,
            lastReadingAt: a.lastReadingAt,
          },
          NOW,
          T,
        );
        FarmHealth.parse(health);
        expect(health.reason.length).toBeGreaterThan(10);
        if (!a.online) expect(health.overall).toBe('offline');
      }),
      { numRuns: 500 },
    );
  });

  it('formats ages for people', () => {
    expect([
      formatAge(4_000),
      formatAge(120_000),
      formatAge(3 * 3_600_000),
      formatAge(5 * 86_400_000),
    ]).toEqual(['4 s', '2 min', '3 h', '5 d']);
  });
});
