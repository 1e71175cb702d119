/** Deterministic randomness for the simulated tailnet (ids and keys repeat for a seed) and the policy ETag. */

/** A small seeded PRNG: the same seed gives the same tailnet. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The policy file with the ETag and update time the control plane answers with. */
export function stampPolicy(text: string, nowMs: number): { text: string; etag: string; updatedAt: string } {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) >>> 0;
  return {
    text,
    etag: `"${h.toString(16).padStart(8, '0')}${text.length.toString(16)}"`,
    updatedAt: new Date(nowMs).toISOString(),
  };
}

const BIG = 2n ** 53n;

/** Ids and keys drawn from one seeded PRNG, in the order they are asked for. */
export class SimIds {
  readonly #rand: () => number;
  #counter = 0;

  constructor(seed: number) {
    this.#rand = mulberry32(seed);
  }

  random(): number {
    return this.#rand();
  }

  hex(len: number): string {
    let s = '';
    while (s.length < len) s += Math.floor(this.#rand() * 16).toString(16);
    return s;
  }

  alnum(len: number): string {
    const abc = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
    let s = '';
    while (s.length < len) s += abc[Math.floor(this.#rand() * abc.length)];
    return s;
  }

  /** Unique int64 above 2^53 (as Go would send it for user and node IDs). */
  bigId(): string {
    this.#counter += 1;
    return (BIG + BigInt(this.#counter) * 7919n + BigInt(Math.floor(this.#rand() * 1000))).toString();
  }
}
