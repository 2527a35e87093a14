import { describe, expect, it } from 'vitest';
import { RULE_IDS, rules } from '../../../src/rules/index.js';

describe('rules registry', () => {
  const t = {
    bulkReadBytes: 100,
    criticalBulkFactor: 4,
    moderateReadBytes: 10,
    moderateReadFiles: 5,
    bulkEgressBytes: 70,
  };
  const facts = {
    readBytes: 0,
    readFiles: 0,
    sensitiveFiles: 0,
    archiveStaging: false,
    renamedOrUnexpected: false,
    egressBytes: 0,
  };
  const pick = (f: Partial<typeof facts>) => {
    const merged = { ...facts, ...f };
    const rule = rules.find((r) => r.matches(merged, t))!;
    return [rule.id, rule.severity(merged, t)];
  };
  it('keeps a small set of kebab-case ids, the catch-all last', () => {
    expect(RULE_IDS).toEqual([
      'bulk-read-then-push',
      'sensitive-read-then-push',
      'push-after-moderate-reads',
      'renamed-binary-push',
      'bulk-push-without-reads',
      'push-without-reads',
    ]);
    for (const id of RULE_IDS) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });
  it('orders severities as documented', () => {
    expect(pick({ readBytes: 100 })).toEqual(['bulk-read-then-push', 'high']);
    expect(pick({ readBytes: 400 })).toEqual(['bulk-read-then-push', 'critical']);
    expect(pick({ readBytes: 100, sensitiveFiles: 1 })).toEqual(['bulk-read-then-push', 'critical']);
    expect(pick({ sensitiveFiles: 2, readBytes: 50 })).toEqual(['sensitive-read-then-push', 'high']);
    expect(pick({ readFiles: 5 })).toEqual(['push-after-moderate-reads', 'medium']);
    expect(pick({ archiveStaging: true })).toEqual(['push-after-moderate-reads', 'medium']);
    expect(pick({ renamedOrUnexpected: true })).toEqual(['renamed-binary-push', 'medium']);
    expect(pick({ egressBytes: 70 })).toEqual(['bulk-push-without-reads', 'medium']);
    expect(pick({ egressBytes: 70, readBytes: 100 })).toEqual(['bulk-read-then-push', 'high']);
    expect(pick({ egressBytes: 69 })).toEqual(['push-without-reads', 'low']);
    expect(pick({ readBytes: 9 })).toEqual(['push-without-reads', 'low']);
  });
});
