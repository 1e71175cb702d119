/**
 * Link quality: how this control room reached each farm over time, as its local tailscaled saw it
 * (sampled by main/core/link-quality). Pure: the schemas of the `getFarmLink` operation, the summary of a
 * window and the spans a chart band and a gap explanation are drawn from.
 */
import { z } from 'zod';

/**
 * direct: a UDP path; relayed: through a DERP region; unreachable: offline or no answer to a ping;
 * unknown: online but idle (no traffic, so no path yet), or the peer is not in the daemon's status.
 */
export const LinkKind = z.enum(['direct', 'relayed', 'unreachable', 'unknown']);
export type LinkKind = z.infer<typeof LinkKind>;

export const LinkSample = z.object({
  /** Epoch ms (this machine's clock). */
  at: z.number().int(),
  kind: LinkKind,
  /** DERP region code (e.g. `fra`) when relayed. */
  region: z.string().nullable(),
  /** Round trip of the disco ping taken with this sample; null when no ping was due. */
  rttMs: z.number().nullable(),
  /** The peer's last WireGuard handshake, epoch ms; null when none. */
  handshakeAt: z.number().int().nullable(),
  /** Bytes received from / sent to the farm since the previous sample. */
  rxBytes: z.number().int().min(0),
  txBytes: z.number().int().min(0),
});
export type LinkSample = z.infer<typeof LinkSample>;

export const LinkSummary = z.object({
  from: z.number().int(),
  to: z.number().int(),
  /** Milliseconds of the window covered by samples, by kind (a sample holds for one interval). */
  directMs: z.number(),
  relayedMs: z.number(),
  unreachableMs: z.number(),
  unknownMs: z.number(),
  /** Milliseconds with no sample at all (the app was closed, or the LocalAPI was not available). */
  unsampledMs: z.number(),
  medianRttMs: z.number().nullable(),
  worstRttMs: z.number().nullable(),
  pings: z.number().int(),
  /** unreachable → reachable transitions. */
  reconnects: z.number().int(),
  /** DERP regions seen while relayed. */
  regions: z.array(z.string()),
  rxBytes: z.number(),
  txBytes: z.number(),
});
export type LinkSummary = z.infer<typeof LinkSummary>;

/** Whether this control room can sample at all, and why not. */
export const LinkSource = z.object({
  kind: z.enum(['localapi', 'unavailable']),
  problem: z.string().nullable(),
});
export type LinkSource = z.infer<typeof LinkSource>;

export const FarmLinkInput = z
  .object({
    farmId: z.string().min(1).max(100),
    from: z.number().int(),
    to: z.number().int(),
  })
  .refine((v) => v.to >= v.from && v.to - v.from <= 31 * 86_400_000, {
    message: 'to must not be before from, and the window at most 31 days',
  });

export const FarmLink = z.object({
  farmId: z.string(),
  intervalMs: z.number().int(),
  samples: z.array(LinkSample).max(50_000),
  summary: LinkSummary,
  source: LinkSource,
});
export type FarmLink = z.infer<typeof FarmLink>;

/** A run of equal link state; `rttMs` is the median of the pings inside it. */
export interface LinkSpan {
  from: number;
  to: number;
  kind: LinkKind | 'nodata';
  region: string | null;
  rttMs: number | null;
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * The window [from, to] as spans: each sample holds from its time until the next sample or one interval
 * (times 1.5, for timer jitter), whichever is first; uncovered time is `nodata`. Samples sorted by `at`.
 */
export function linkSpans(
  samples: readonly LinkSample[],
  from: number,
  to: number,
  intervalMs: number,
): LinkSpan[] {
  const out: LinkSpan[] = [];
  const rtts: number[][] = [];
  const push = (span: LinkSpan, rtt: number | null) => {
    const last = out[out.length - 1];
    if (last && last.kind === span.kind && last.region === span.region && last.to === span.from) {
      last.to = span.to;
      if (rtt !== null) rtts[rtts.length - 1]!.push(rtt);
      return;
    }
    out.push(span);
    rtts.push(rtt === null ? [] : [rtt]);
  };
  let cursor = from;
  const hold = Math.round(intervalMs * 1.5);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    const next = samples[i + 1]?.at ?? Infinity;
    const start = Math.max(s.at, from);
    const end = Math.min(next, s.at + hold, to);
    if (end <= start) continue;
    if (start > cursor) push({ from: cursor, to: start, kind: 'nodata', region: null, rttMs: null }, null);
    push({ from: start, to: end, kind: s.kind, region: s.region, rttMs: null }, s.rttMs);
    cursor = end;
  }
  if (cursor < to) push({ from: cursor, to, kind: 'nodata', region: null, rttMs: null }, null);
  out.forEach((span, i) => (span.rttMs = median(rtts[i]!)));
  return out;
}

export function summarizeLink(
  samples: readonly LinkSample[],
  from: number,
  to: number,
  intervalMs: number,
): LinkSummary {
  const ms = { direct: 0, relayed: 0, unreachable: 0, unknown: 0, nodata: 0 };
  for (const span of linkSpans(samples, from, to, intervalMs)) ms[span.kind] += span.to - span.from;
  const inWindow = samples.filter((s) => s.at >= from && s.at <= to);
  const rtts = inWindow.flatMap((s) => (s.rttMs === null ? [] : [s.rttMs]));
  let reconnects = 0;
  let prev: LinkKind | undefined;
  const regions = new Set<string>();
  let rx = 0;
  let tx = 0;
  for (const s of inWindow) {
    if (prev === 'unreachable' && (s.kind === 'direct' || s.kind === 'relayed')) reconnects++;
    if (s.kind !== 'unknown') prev = s.kind;
    if (s.kind === 'relayed' && s.region) regions.add(s.region);
    rx += s.rxBytes;
    tx += s.txBytes;
  }
  return {
    from,
    to,
    directMs: ms.direct,
    relayedMs: ms.relayed,
    unreachableMs: ms.unreachable,
    unknownMs: ms.unknown,
    unsampledMs: ms.nodata,
    medianRttMs: median(rtts),
    worstRttMs: rtts.length === 0 ? null : Math.max(...rtts),
    pings: rtts.length,
    reconnects,
    regions: [...regions].sort(),
    rxBytes: rx,
    txBytes: tx,
  };
}

/**
 * Why a stretch of a chart has no data: the link states over [from, to], in order, without repeats
 * (`['relayed', 'unreachable']` reads "link relayed then down"). Empty when no sample covers the range.
 */
export function explainGap(
  samples: readonly LinkSample[],
  from: number,
  to: number,
  intervalMs: number,
): LinkKind[] {
  const kinds: LinkKind[] = [];
  for (const span of linkSpans(samples, from, to, intervalMs)) {
    if (span.kind === 'nodata') continue;
    if (kinds[kinds.length - 1] !== span.kind) kinds.push(span.kind);
  }
  return kinds;
}
