/** Shared copies of repeated strings and label sets: equal values, one copy, bounded. */
import { describe, expect, it } from 'vitest';
import { hashPath } from '../../../src/correlate/distinct-files.js';
import { HashedPathPool, RefPool, StringPool } from '../../../src/correlate/intern.js';

// Built at run time so equal values are distinct string objects, as each decoded event's are.
const fresh = (s: string) => [...s].join('');

describe('interning', () => {
  it('a string pool returns the first copy of equal strings and starts afresh when full', () => {
    const pool = new StringPool(2);
    const a = fresh('/srv/a');
    expect(pool.intern(fresh('/srv/a'))).toBe(pool.intern(a));
    pool.intern('/srv/b');
    pool.intern('/srv/c'); // full: cleared, then holds /srv/c
    expect(pool.intern(fresh('/srv/a'))).toBe('/srv/a');
    expect(pool.internOrNull(null)).toBeNull();
  });

  it('container and pod refs are equal copies sharing repeated strings; no labels stays no labels', () => {
    const refs = new RefPool();
    const podOf = (name: string) => ({
      namespace: fresh('shop'),
      name,
      labels: { app: fresh('orders-api'), 'pod-template-hash': fresh('7d9f8c6b5') },
    });
    const p1 = podOf('orders-api-1');
    const c1 = refs.pod(p1)!;
    const c2 = refs.pod(podOf('orders-api-2'))!;
    expect(c1).toEqual(p1);
    expect(Object.keys(c1.labels!)).toEqual(['app', 'pod-template-hash']);
    expect(c2.labels).toEqual(c1.labels);
    expect(c2.labels).not.toBe(c1.labels);
    expect(c2.name).toBe('orders-api-2');
    expect(refs.pod({ namespace: 'ns', name: 'p' })).toEqual({ namespace: 'ns', name: 'p' });
    expect('labels' in refs.pod({ namespace: 'ns', name: 'p' })!).toBe(false);
    expect(refs.pod(null)).toBeNull();
    const ref = { id: 'abc123', name: fresh('api'), image: fresh('registry.example/api:1') };
    expect(refs.ref(ref)).toEqual(ref);
    expect(refs.ref({ id: 'def', name: null, image: null })).toEqual({ id: 'def', name: null, image: null });
  });

  it('a hashed path pool hands back an equal path, keeps two per slot pair and refuses a size it cannot mask', () => {
    const pool = new HashedPathPool(2);
    const a = fresh('/srv/a');
    const b = fresh('/srv/b');
    const c = fresh('/srv/c');
    for (const p of [a, b, c, fresh('/srv/a'), fresh('/srv/c'), fresh('/srv/b')])
      expect(pool.intern(p, hashPath(p))).toBe(p);
    // A hash that is not the path's (a collision) never changes the path handed back.
    expect(pool.intern(fresh('/srv/d'), hashPath('/srv/a'))).toBe('/srv/d');
    expect(() => new HashedPathPool(6)).toThrow(RangeError);
    expect(() => new HashedPathPool(1)).toThrow(RangeError);
  });
});
