/**
 * Deterministic randomness (STYLE habit 6): one seeded generator is injected into every initializer,
 * shuffle and sampler, so the same seed gives the same model bit for bit.
 *
 * mulberry32 for uniforms (32-bit state, fast, good enough for ML init) and Box–Muller for normals.
 */
export class Random {
  private state: number;
  private spare: number | undefined;

  constructor(seed = 0) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal N(0, 1), like NumPy's randn. */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }
}

/**
 * The generator of a network whose weights are loaded right after it is built (src/chat/serialize.ts):
 * it draws nothing, and `randn` leaves its matrices without rows (layers/util.ts `unallocated`) until the
 * loader hands each its weights. No time goes to drawing millions of normals that are overwritten (about a
 * second for a 30,000-token vocabulary), and none to zero-filling buffers that are replaced.
 */
export class LoadingRandom extends Random {
  override uniform(): number {
    return 0;
  }

  override normal(): number {
    return 0;
  }
}
