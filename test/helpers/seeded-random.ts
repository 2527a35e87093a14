/**
 * A seeded source of floats in [0, 1) for the differential tests (pure-rand's xoroshiro128+), so a failing
 * random case can be reproduced from its seed.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export function seededRandom(seed: number): () => number {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}
