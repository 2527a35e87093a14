/**
 * README's and docs/daemon.md's metric tables against the registry: a metric declared in metrics.ts but
 * missing from them is one operators cannot know of, and a row naming no metric promises one we do not export.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/telemetry/metrics.js';

/** The metric names in the first column of `file`'s table rows, `a_{b,c}_total` expanded. */
function tableMetrics(file: string): Set<string> {
  const names = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const first = /^\| ([^|]*exfilwatch_[^|]*) \|/.exec(line)?.[1];
    if (first === undefined) continue;
    for (const [, name] of first.matchAll(/`(exfilwatch_[a-z_{},]+)`/g)) {
      const brace = /^(.*)\{([^}]+)\}(.*)$/.exec(name ?? '');
      if (brace) for (const part of (brace[2] ?? '').split(',')) names.add(`${brace[1]}${part}${brace[3]}`);
      else names.add(name ?? '');
    }
  }
  return names;
}

describe('the metric tables in README.md and docs/daemon.md', () => {
  const exported = createMetrics()
    .registry.getMetricsAsArray()
    .map((m) => m.name)
    .filter((n) => n.startsWith('exfilwatch_'))
    .sort();
  for (const file of ['README.md', 'docs/daemon.md'])
    it(`${file} lists every exfilwatch_ metric metrics.ts declares, and no other`, () => {
      expect([...tableMetrics(file)].sort()).toEqual(exported);
    });
});
