/**
 * The reading cache's block format and its open blocks. A block row holds one sensor's readings packed as
 * [ts f64 × n][value f64 × n (NaN = null)][quality u8 × n], sorted by ts.
 *
 * Open blocks keep each farm's unwritten readings as numbers in typed arrays that are emptied and reused
 * when the block is written. Holding the reading objects (or fresh arrays) for the seconds a block stays
 * open moved all of them into V8's old generation, where 10,000 a second piled up as garbage between
 * major collections: RSS rose 80–200 MB a minute at 1,000 farms over a 30–40 MB live heap.
 */
import type { Quality, Reading } from '../../../protocol/farm-api.ts';

const QUALITY: readonly Quality[] = ['ok', 'stale', 'fault'];
const qualityCode = (q: Quality): number => (q === 'ok' ? 0 : q === 'stale' ? 1 : 2);

export const toReading = (sensorId: string, ts: number, v: number, q: number): Reading => ({
  sensorId,
  ts,
  value: Number.isNaN(v) ? null : v,
  quality: QUALITY[q] ?? 'ok',
});

/** One encoded row, ready for `reading_blocks`. */
export interface BlockRow {
  sensorId: string;
  first: number;
  last: number;
  n: number;
  data: Uint8Array;
}

/** A farm's block that was closed and waits to be written (still readable). */
export interface ClosedBlock {
  farmId: string;
  rows: BlockRow[];
  /** The farm's stream position once these rows are written (undefined: none noted). */
  seq: number | null | undefined;
}

/** Decode the readings of a row that fall in [from, to] onto `out`. */
export function decode(
  data: Uint8Array,
  n: number,
  sensorId: string,
  from: number,
  to: number,
  out: Reading[],
): void {
  // Copy to an aligned buffer: SQLite hands back arbitrary offsets.
  const copy = new Uint8Array(n * 17);
  copy.set(data.subarray(0, n * 17));
  const ts = new Float64Array(copy.buffer, 0, n);
  const values = new Float64Array(copy.buffer, n * 8, n);
  const quality = new Uint8Array(copy.buffer, n * 16, n);
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    if (t < from || t > to) continue;
    out.push(toReading(sensorId, t, values[i]!, quality[i]!));
  }
}

/** One sensor's open readings; grows by doubling and is reused after each write. */
class Column {
  ts = new Float64Array(8);
  values = new Float64Array(8);
  quality = new Uint8Array(8);
  n = 0;

  push(ts: number, value: number, quality: number): void {
    if (this.n === this.ts.length) {
      const grow = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.ts = grow(this.ts, (k) => new Float64Array(k));
      this.values = grow(this.values, (k) => new Float64Array(k));
      this.quality = grow(this.quality, (k) => new Uint8Array(k));
    }
    this.ts[this.n] = ts;
    this.values[this.n] = value;
    this.quality[this.n] = quality;
    this.n++;
  }

  encode(sensorId: string): BlockRow {
    const n = this.n;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => this.ts[a]! - this.ts[b]! || a - b);
    const buf = new ArrayBuffer(n * 17);
    const ts = new Float64Array(buf, 0, n);
    const values = new Float64Array(buf, n * 8, n);
    const quality = new Uint8Array(buf, n * 16, n);
    for (let i = 0; i < n; i++) {
      const k = order[i]!;
      ts[i] = this.ts[k]!;
      values[i] = this.values[k]!;
      quality[i] = this.quality[k]!;
    }
    return { sensorId, first: ts[0]!, last: ts[n - 1]!, n, data: new Uint8Array(buf) };
  }
}

/** A farm's open block: every sensor's unwritten readings. */
export class OpenBlock {
  private readonly sensors = new Map<string, Column>();
  /** Readings held now (0: nothing to write). */
  count = 0;
  /** performance.now() by which the block is to be written (set when its first reading arrives). */
  deadline = 0;
  /** Stream position noted while readings were held: saved with them, never ahead of them. */
  seq: number | null | undefined = undefined;

  readonly farmId: string;

  constructor(farmId: string) {
    this.farmId = farmId;
  }

  add(r: Reading): void {
    let c = this.sensors.get(r.sensorId);
    if (!c) this.sensors.set(r.sensorId, (c = new Column()));
    c.push(r.ts, r.value ?? Number.NaN, qualityCode(r.quality));
    this.count++;
  }

  /** Encode what is held into rows and empty the buffers for the next block. */
  close(): ClosedBlock {
    const rows: BlockRow[] = [];
    for (const [sensorId, c] of this.sensors) {
      if (c.n > 0) rows.push(c.encode(sensorId));
      c.n = 0;
    }
    this.count = 0;
    const seq = this.seq;
    this.seq = undefined;
    return { farmId: this.farmId, rows, seq };
  }

  /** Readings held for `sensorId` (null: every sensor) in [from, to], onto `out`. */
  scan(sensorId: string | null, from: number, to: number, out: Reading[]): void {
    if (this.count === 0) return;
    for (const [id, c] of this.sensors) {
      if (sensorId !== null && id !== sensorId) continue;
      for (let i = 0; i < c.n; i++) {
        const t = c.ts[i]!;
        if (t >= from && t <= to) out.push(toReading(id, t, c.values[i]!, c.quality[i]!));
      }
    }
  }
}
