/**
 * A small seeded PRNG (sfc32) so a scenario expands to the same bytes every time: regenerating the
 * committed JSON lines must give no diff. Never use Math.random in the generator.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number;
  /** Lower-case hex string of `chars` characters. */
  hex(chars: number): string;
  pick<T>(items: readonly T[]): T;
  /** A 64-bit value as a bigint (two 32-bit draws). */
  u64(): bigint;
}

/** FNV-1a over a string: turns a scenario name into a seed. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function createRng(seed: number | string): Rng {
  const s = typeof seed === 'string' ? hashSeed(seed) : seed >>> 0;
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = s;
  const raw = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Warm up so nearby seeds diverge.
  for (let i = 0; i < 15; i++) raw();
  const next = (): number => raw() / 4294967296;
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    hex(chars) {
      let out = '';
      while (out.length < chars) out += raw().toString(16).padStart(8, '0');
      return out.slice(0, chars);
    },
    pick: (items) => items[Math.floor(next() * items.length)]!,
    u64: () => (BigInt(raw()) << 32n) | BigInt(raw()),
  };
}
