/**
 * Counter-based randomness: every draw is a pure function of (seed, step, stream), so a simulated reading
 * at a given time is the same however the simulation was chunked or when it started.
 */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hash32(seed: number, step: number, stream: number): number {
  // Steps can exceed 2^32 ms-grids; fold the high part in separately.
  const hi = Math.floor(step / 4294967296);
  return mix(
    mix(mix((seed | 0) ^ 0x9e3779b9) ^ (step >>> 0)) ^ mix(hi + 0x632be5ab) ^ Math.imul(stream, 0x85ebca6b),
  );
}

/** Uniform in [0, 1). */
export function uniform(seed: number, step: number, stream: number): number {
  return hash32(seed, step, stream) / 4294967296;
}

/** Standard normal (Box–Muller over two counter draws). */
export function gaussian(seed: number, step: number, stream: number): number {
  const u1 = Math.max(uniform(seed, step, stream * 2 + 1), 1e-12);
  const u2 = uniform(seed, step, stream * 2 + 2);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
