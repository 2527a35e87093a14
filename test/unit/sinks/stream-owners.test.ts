/** Which stream subjects store which alert subjects: the coverage the overlap handling and the check rely on. */
import { describe, expect, it } from 'vitest';
import { patternCovers, patternsCollide } from '../../../src/sinks/nats/stream-owners.js';

describe('patternCovers', () => {
  it('a stream subject stores every alert subject of a severity when it matches all of them', () => {
    for (const p of [
      '>',
      'exfilwatch.>',
      'exfilwatch.alerts.>',
      'exfilwatch.*.>',
      '*.alerts.*.*',
      'exfilwatch.alerts.critical.>',
    ])
      expect(patternCovers(p, 'exfilwatch.alerts.critical.*'), p).toBe(true);
  });
  it('one naming some rules only, another severity, or fewer or more tokens does not', () => {
    for (const p of [
      'exfilwatch.alerts.critical.bulk-read-then-push',
      'exfilwatch.alerts.high.>',
      'exfilwatch.alerts.*',
      'exfilwatch.alerts.*.*.*',
      'exfilwatch.alerts.critical.*.>',
      'exfilwatch',
    ])
      expect(patternCovers(p, 'exfilwatch.alerts.critical.*'), p).toBe(false);
    // `>` is one token or more: `a.>` does not store `a`.
    expect(patternCovers('exfilwatch.alerts.>', 'exfilwatch.alerts')).toBe(false);
  });
});

describe('patternsCollide', () => {
  it('is true when some subject matches both', () => {
    expect(patternsCollide('exfilwatch.alerts.critical.bulk', 'exfilwatch.alerts.>')).toBe(true);
    expect(patternsCollide('*.alerts.*.x', 'exfilwatch.>')).toBe(true);
    expect(patternsCollide('>', 'exfilwatch.alerts.>')).toBe(true);
  });
  it('is false for other prefixes or token counts', () => {
    expect(patternsCollide('exfilwatch.audit.>', 'exfilwatch.alerts.>')).toBe(false);
    expect(patternsCollide('exfilwatch.alerts', 'exfilwatch.alerts.>')).toBe(false);
    expect(patternsCollide('exfilwatch.alerts.*', 'exfilwatch.alerts.*.*')).toBe(false);
  });
});
