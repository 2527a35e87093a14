/** The result table: printed on stdout, and saved as Markdown + JSON under .tmp/bench/ for the docs. */

export interface Row {
  path: string;
  /** Events/s of the path (or events/s per core). */
  rate: string;
  baseline: string;
  ratio: string;
  target: string;
  pass: boolean | null;
  latency: string;
  peakRss: string;
  alerts: string;
  /** One line of context below the table. */
  note?: string;
}

const HEAD = ['path', 'events/s', 'baseline', 'ratio', 'target', 'result', 'p50/p99 latency', 'peak RSS', 'alerts'];

const cells = (r: Row) => [
  r.path,
  r.rate,
  r.baseline,
  r.ratio,
  r.target,
  r.pass === null ? '—' : r.pass ? 'PASS' : 'FAIL',
  r.latency,
  r.peakRss,
  r.alerts,
];

export function textTable(rows: readonly Row[]): string {
  const all = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(cells(r)))].join('\n');
}

export function markdownTable(rows: readonly Row[]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cells(r).map(esc).join(' | ')} |`),
  ].join('\n');
}

export const fmtRate = (n: number) => (Number.isFinite(n) ? `${(n / 1000).toFixed(1)}k` : '—');
export const fmtMs = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(0)) : '—');
export const fmtMb = (n: number) => (Number.isFinite(n) ? `${n.toFixed(0)} MB` : '—');
