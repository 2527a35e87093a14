import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configRows, renderConfigDocs } from '../../../src/config/docs.js';

describe('CONFIGURATION.md', () => {
  it('is exactly what `npm run gen:config-docs` generates from the schemas (regenerate when this fails)', () => {
    const committed = readFileSync(new URL('../../../CONFIGURATION.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderConfigDocs());
  });

  it('documents every key with a type, and the NATS keys with their defaults', () => {
    const rows = configRows();
    const byKey = new Map(rows.map((r) => [r.key, r]));
    for (const r of rows) expect(r.type, r.key).not.toBe('');
    expect(byKey.get('sinks.nats.subjectPrefix')?.default).toBe('`"exfilwatch.alerts"`');
    expect(byKey.get('sinks.nats.stream.name')?.default).toBe('`"EXFILWATCH_ALERTS"`');
    expect(byKey.get('sinks.nats.spool.maxMessages')?.description).toMatch(/oldest info\/low/);
    expect(byKey.get('allowlist[].reason')?.default).toBe('**required**');
    expect(byKey.get('metrics.listen')?.default).toBe('`"0.0.0.0:9464"`');
  });
});
