/**
 * Farm health in three layers — tailnet (is the node there, which path), gateway (does the program answer),
 * data (how fresh is the newest reading) — summed into ok / degraded / stale / offline with the reason in
 * plain words. Pure: every time comes in as epoch ms, so tests can walk the clock.
 */
import type {
  FarmHealth,
  HealthLayer,
  HealthReasonCode,
  OverallHealth,
  PhraseParams,
} from '../../../protocol/app/index.ts';
import type { TailnetDevice } from '../../../protocol/device.ts';

export interface HealthInput {
  device: Pick<TailnetDevice, 'online' | 'lastSeen' | 'connection'>;
  /** When the tailnet last confirmed the node online (epoch ms). */
  tailnetConfirmedAt: number | null;
  gateway: {
    /** Outcome of the most recent check or report; null before the first. */
    answering: boolean | null;
    okAt: number | null;
    failAt: number | null;
    failDetail: string | null;
    /** When it stopped answering after having answered (null while answering); absent when unknown. */
    downSince?: number | null;
  };
  /** Last heartbeat the registry saw from this farm (epoch ms), when a registry is known. */
  heartbeatAt: number | null;
  lastReadingAt: number | null;
}

export interface HealthThresholds {
  /** A reading older than this is stale. */
  staleAfterMs: number;
  /** A gateway not answering for longer than this makes the farm offline (shorter: degraded). */
  offlineAfterMs: number;
}

export interface HealthResult {
  health: FarmHealth;
  /** Which rule decided `overall` (stable, for change detection; the reason text carries ages). */
  cause: string;
}

/** "4 s", "3 min", "2 h", "5 d". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min`;
  const h = Math.round(min / 60);
  if (h < 36) return `${h} h`;
  return `${Math.round(h / 24)} d`;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function tailnetLayer(input: HealthInput, now: number): HealthLayer {
  const { device } = input;
  if (!device.online) {
    const seen = device.lastSeen ? Date.parse(device.lastSeen) : NaN;
    return {
      state: 'down',
      at: Number.isFinite(seen) ? new Date(seen).toISOString() : null,
      detail: Number.isFinite(seen) ? `offline; last seen ${formatAge(now - seen)} ago` : 'offline',
      detailCode: 'tailnet-offline',
      detailParams: Number.isFinite(seen) ? { seenAgoMs: now - seen } : {},
    };
  }
  const { connection } = device;
  const at = iso(input.tailnetConfirmedAt ?? now);
  if (connection.kind === 'direct')
    return {
      state: 'ok',
      at,
      detail: `online, direct path (${connection.endpoint})`,
      detailCode: 'tailnet-direct',
      detailParams: { endpoint: connection.endpoint },
    };
  if (connection.kind === 'relay')
    return {
      state: 'ok',
      at,
      detail: `online, relayed through DERP ${connection.region} (works, but slower than a direct path)`,
      detailCode: 'tailnet-relay',
      detailParams: { region: connection.region },
    };
  return { state: 'ok', at, detail: 'online, path not known yet', detailCode: 'tailnet-path-unknown' };
}

function gatewayLayer(input: HealthInput, now: number): HealthLayer {
  const { answering, okAt, failDetail } = input.gateway;
  const beat =
    input.heartbeatAt === null
      ? ''
      : `; last heartbeat to the registry ${formatAge(now - input.heartbeatAt)} ago`;
  // The suffixes as parameters: the renderer adds "last answered" and "last heartbeat" in its language.
  const params: PhraseParams = {};
  if (input.heartbeatAt !== null) params.beatAgoMs = now - input.heartbeatAt;
  if (okAt !== null) params.okAgoMs = now - okAt;
  if (!input.device.online) {
    return {
      state: 'unknown',
      at: iso(okAt),
      detail: `cannot be checked while the node is offline${okAt === null ? '' : `; last answered ${formatAge(now - okAt)} ago`}${beat}`,
      detailCode: 'gateway-node-offline',
      detailParams: params,
    };
  }
  if (answering === false) {
    return {
      state: 'down',
      at: iso(okAt),
      detail: `not answering (${failDetail ?? 'no answer'})${okAt === null ? '' : `; last answered ${formatAge(now - okAt)} ago`}${beat}`,
      detailCode: 'gateway-down',
      // The failure itself stays as the gateway or the network worded it.
      detailParams: failDetail === null ? params : { ...params, failDetail: failDetail.slice(0, 500) },
    };
  }
  if (answering === true && okAt !== null)
    return {
      state: 'ok',
      at: iso(okAt),
      detail: `answering; last checked ${formatAge(now - okAt)} ago${beat}`,
      detailCode: 'gateway-answering',
      detailParams: params,
    };
  return {
    state: 'unknown',
    at: iso(input.heartbeatAt),
    detail: `not checked yet${beat}`,
    detailCode: 'gateway-unchecked',
    detailParams: params,
  };
}

function dataLayer(input: HealthInput, now: number, t: HealthThresholds): HealthLayer {
  const at = input.lastReadingAt;
  if (at === null)
    return { state: 'unknown', at: null, detail: 'no readings received yet', detailCode: 'data-none' };
  const age = now - at;
  if (age <= t.staleAfterMs)
    return {
      state: 'ok',
      at: iso(at),
      detail: `freshest reading ${formatAge(age)} old`,
      detailCode: 'data-fresh',
      detailParams: { ageMs: age },
    };
  return {
    state: 'degraded',
    at: iso(at),
    detail: `freshest reading ${formatAge(age)} old (stale after ${formatAge(t.staleAfterMs)})`,
    detailCode: 'data-stale',
    detailParams: { ageMs: age, staleAfterMs: t.staleAfterMs },
  };
}

export function computeHealth(input: HealthInput, now: number, t: HealthThresholds): HealthResult {
  const tailnet = tailnetLayer(input, now);
  const gateway = gatewayLayer(input, now);
  const data = dataLayer(input, now, t);
  const done = (
    overall: OverallHealth,
    cause: string,
    reason: string,
    reasonCode: HealthReasonCode,
    reasonParams: PhraseParams = {},
  ): HealthResult => ({
    health: { overall, reason, reasonCode, reasonParams, tailnet, gateway, data },
    cause,
  });

  if (tailnet.state === 'down') {
    const seen = tailnet.at === null ? '' : ` (last seen ${formatAge(now - Date.parse(tailnet.at))} ago)`;
    return done(
      'offline',
      'tailnet-offline',
      `The tailnet says the node is offline${seen}, so its gateway and sensors cannot be reached.`,
      'tailnet-offline',
      tailnet.at === null ? {} : { seenAgoMs: now - Date.parse(tailnet.at) },
    );
  }
  if (gateway.state === 'down') {
    const okAt = input.gateway.okAt;
    const long = okAt === null || now - okAt > t.offlineAfterMs;
    // A heartbeat only hints at a blocked path if it came after the gateway fell silent to us: the last
    // heartbeat of a gateway that was just stopped is recent too.
    const downSince = input.gateway.downSince ?? null;
    const recentBeat =
      input.heartbeatAt !== null &&
      now - input.heartbeatAt <= t.offlineAfterMs &&
      (okAt === null || downSince === null || input.heartbeatAt > downSince);
    const reason = recentBeat
      ? `The gateway is not answering this computer, yet it sent a heartbeat to the registry ${formatAge(now - input.heartbeatAt!)} ago: the path from here to the farm may be blocked (check the tailnet policy for this device).`
      : 'The gateway is not answering; the tailnet says the node is online, so the gateway program is likely stopped.';
    const code = recentBeat ? 'gateway-blocked' : 'gateway-down';
    const params: PhraseParams = recentBeat ? { beatAgoMs: now - input.heartbeatAt! } : {};
    return done(long ? 'offline' : 'degraded', code, reason, code, params);
  }
  if (gateway.state === 'unknown') {
    return done(
      'degraded',
      'gateway-unchecked',
      'The node is online on the tailnet; the gateway has not been checked yet.',
      'gateway-unchecked',
    );
  }
  if (data.state === 'degraded') {
    return done(
      'stale',
      'data-stale',
      `The gateway answers, but the freshest reading is ${formatAge(now - input.lastReadingAt!)} old: the sensors or their link to the gateway may have failed.`,
      'data-stale',
      { ageMs: now - input.lastReadingAt! },
    );
  }
  const path = input.device.connection.kind === 'relay' ? ' (through a relay)' : '';
  const relayed = input.device.connection.kind === 'relay' ? 1 : 0;
  return data.state === 'ok'
    ? done(
        'ok',
        'ok',
        `Online${path}: the gateway answers and the freshest reading is ${formatAge(now - input.lastReadingAt!)} old.`,
        'ok',
        { ageMs: now - input.lastReadingAt!, relayed },
      )
    : done('ok', 'ok', `Online${path}: the gateway answers; no readings received yet.`, 'ok-no-readings', {
        relayed,
      });
}
