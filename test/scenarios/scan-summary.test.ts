import { describe, expect, it } from 'vitest';
import { parseFormat } from '../../src/cli/common.js';
import { formatSummary } from '../../src/cli/scan.js';
import { ConfigError } from '../../src/errors.js';

describe('scan summary and options', () => {
  it('formats the summary table with alerts by severity, most severe first', () => {
    const text = formatSummary({
      files: 3,
      unreadable: ['x.jsonl'],
      events: 1_234_567,
      ignored: 12,
      decodeErrors: 3,
      alerts: 4,
      alertsBySeverity: { info: 0, low: 1, medium: 0, high: 2, critical: 1 },
      alertsNotWritten: 0,
      readsOutOfWindow: 0,
      containers: 17,
      elapsedMs: 2_500,
      eventsPerSecond: 493_826.8,
    });
    expect(text.split('\n')).toEqual([
      'exfilwatch scan summary',
      '  files       3 (1 unreadable)',
      '  events      1,234,567 (ignored 12, undecodable 3)',
      '  alerts      4 (critical 1, high 2, medium 0, low 1, info 0)',
      '  containers  17',
      '  elapsed     2.50 s',
      '  events/s    493,827',
      '',
    ]);
  });

  it('accepts the three formats and names --format otherwise', () => {
    expect(parseFormat('auto')).toBe('auto');
    expect(parseFormat('falco')).toBe('falco');
    expect(() => parseFormat('jsonl')).toThrow(ConfigError);
    expect(() => parseFormat('jsonl')).toThrow(/^--format: expected one of auto, tetragon, falco/);
  });
});
