/**
 * copy-paths.ts joins a path with no `.`/`..` part and no doubled slash to its directory as it is, and resolves
 * the others (posix.resolve costs ~1 µs a path; a 64 KiB `cp --parents` names thousands): both ways must give
 * what posix.resolve gives, whatever the sensor's working directory looks like.
 */
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { absoluteSource, absoluteTarget, intoByPath } from '../../../src/correlate/copy-paths.js';

const BASES = ['/', '/w', '/w/', '/w/./s', '/w//s/', '/w/x/..', '/var/run/secrets'];
const PATHS = [
  'a',
  'a/',
  'a/b',
  '.a/b',
  'a/.b',
  '..a',
  'a..',
  '.',
  './',
  '..',
  '../a',
  'a/./b',
  'a//b',
  'a/..',
  '/x',
  '/x/',
  '/x/./y',
  '//x',
  '/x/../y',
  '/.ssh/id',
];

describe('paths of a copy', () => {
  it('are what posix.resolve makes of them, with a directory’s trailing slash kept for a source', () => {
    for (const base of BASES)
      for (const path of PATHS) {
        const resolved = posix.resolve(base, path);
        const source = path.endsWith('/') && resolved !== '/' ? `${resolved}/` : resolved;
        expect(absoluteSource(path, base), `${base} ${path}`).toBe(source);
        expect(absoluteTarget(path, base), `${base} ${path}`).toBe(resolved === '/' ? null : resolved);
      }
  });

  it('put a source below its target by the path given', () => {
    for (const path of PATHS)
      expect(intoByPath('/w/t', path), path).toBe(posix.join('/w/t', path.replace(/^\/+/, '')).replace(/\/+$/, ''));
  });
});
