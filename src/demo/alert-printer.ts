/**
 * Alerts for humans: the demo prints one readable block per alert instead of the JSON line `run` emits.
 * Pure string building so it is unit-tested on Alert objects; colour is an option because the caller
 * decides (TTY or not), never this module.
 */
import type { Alert, Severity } from '../model/alert.js';

export interface PrintOptions {
  /** ANSI colours (severity badge, dim labels). Only when stdout is a TTY. */
  color: boolean;
  /** Evidence lines shown before "… N more" (the alert carries up to 20). */
  maxEvidence?: number;
}

const RESET = '\u001b[0m';
const BOLD = '\u001b[1m';
const DIM = '\u001b[2m';
const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '\u001b[1;97;41m', // bold white on red
  high: '\u001b[1;31m',
  medium: '\u001b[1;33m',
  low: '\u001b[1;36m',
  info: '\u001b[37m',
};

const LABEL_WIDTH = 11;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** `HH:MM:SS.mmm` of an RFC 3339 time: evidence in one alert is minutes apart, the date is in the header. */
function clockTime(rfc3339: string): string {
  const m = /T(\d{2}:\d{2}:\d{2})(\.\d{1,3})?/.exec(rfc3339);
  return m ? `${m[1]}${(m[2] ?? '.000').padEnd(4, '0')}` : rfc3339;
}

function shortId(id: string): string {
  return id.length > 12 ? id.slice(0, 12) : id;
}

export function formatAlert(alert: Alert, options: PrintOptions): string {
  const paint = (code: string, text: string) => (options.color ? `${code}${text}${RESET}` : text);
  const label = (name: string) => paint(DIM, name.padEnd(LABEL_WIDTH));
  const indent = ' '.repeat(2 + LABEL_WIDTH);
  const lines: string[] = [];

  const badge = paint(SEVERITY_COLOR[alert.severity], ` ${alert.severity.toUpperCase()} `);
  lines.push(`${badge} ${paint(BOLD, alert.rule)}  ${alert.time}  ${paint(DIM, `id ${alert.id}`)}`);
  lines.push(`  ${alert.summary}`);

  const c = alert.container;
  const containerText = [c.name ?? '(unnamed)', `id ${shortId(c.id)}`, c.image ? `image ${c.image}` : null]
    .filter((s) => s !== null)
    .join('  ');
  lines.push(`  ${label('container')}${containerText}`);
  const podText = alert.pod ? `${alert.pod.namespace}/${alert.pod.name}` : '(not in a pod)';
  lines.push(`  ${label('pod')}${podText}  node ${alert.node}`);

  const p = alert.process;
  if (p.binary || p.args) {
    lines.push(
      `  ${label('process')}${[p.binary, p.args].filter(Boolean).join(' ')}${p.pid ? `  (pid ${p.pid})` : ''}`,
    );
  }
  const pushParts = [alert.push.tool, alert.push.destination ? `→ ${alert.push.destination}` : null, alert.push.remote];
  lines.push(`  ${label('push')}${pushParts.filter(Boolean).join('  ')}`);

  const r = alert.reads;
  let readsText = `${formatBytes(r.bytes)} in ${r.files} file${r.files === 1 ? '' : 's'}`;
  if (r.sensitive.length > 0) readsText += `; sensitive: ${r.sensitive.join(', ')}`;
  lines.push(`  ${label('reads')}${readsText}`);
  if (r.top.length > 0) {
    const top = r.top
      .slice(0, 3)
      .map((t) => `${t.path} (${formatBytes(t.bytes)})`)
      .join(', ');
    lines.push(`${indent}top: ${top}${r.top.length > 3 ? ', …' : ''}`);
  }
  if (alert.egressBytes !== null) lines.push(`  ${label('egress')}${formatBytes(alert.egressBytes)}`);
  lines.push(`  ${label('window')}${alert.window.start} → ${alert.window.end}`);

  const maxEvidence = options.maxEvidence ?? 8;
  alert.evidence.slice(0, maxEvidence).forEach((e, i) => {
    const head = i === 0 ? label('evidence') : indent;
    const binary = e.binary ? ` ${e.binary}` : '';
    lines.push(`${i === 0 ? '  ' : ''}${head}${clockTime(e.time)} ${e.kind.padEnd(14)}${binary}  ${e.detail}`);
  });
  if (alert.evidence.length > maxEvidence) lines.push(`${indent}… ${alert.evidence.length - maxEvidence} more`);

  alert.response.forEach((step, i) => {
    const head = i === 0 ? `  ${label('response')}` : indent;
    lines.push(`${head}${i + 1}. ${step}`);
  });

  const flags: string[] = [];
  if (alert.degraded) flags.push('degraded: events were lost inside the window, the evidence may be incomplete');
  if (alert.suppressed > 0) flags.push(`${alert.suppressed} similar alert(s) suppressed since the last one`);
  for (const flag of flags) lines.push(`  ${label('note')}${flag}`);
  lines.push(`  ${label('mitre')}${alert.mitre.technique} (${alert.mitre.tactic})  source ${alert.source}`);
  return `${lines.join('\n')}\n`;
}
