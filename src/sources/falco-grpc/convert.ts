/**
 * A gRPC `falco.outputs.response` → the JSON alert shape, so one normalizer serves both transports.
 * Falco stringifies every output_fields value on this path (`"34816"`, `"-1"`, `"null"`, `"true"`); we undo
 * what is unambiguous (`null`, booleans) and leave numbers as decimal strings, which the normalizer reads
 * exactly (evt.time stays a 19-digit string, so no precision is lost).
 */
import type { response } from '../../generated/falco/outputs.js';
import { priority, source as sourceEnum } from '../../generated/falco/schema.js';
import { timestampToRfc3339 } from '../../model/time.js';

const PRIORITY_NAMES: Record<number, string> = {
  [priority.EMERGENCY]: 'Emergency',
  [priority.ALERT]: 'Alert',
  [priority.CRITICAL]: 'Critical',
  [priority.ERROR]: 'Error',
  [priority.WARNING]: 'Warning',
  [priority.NOTICE]: 'Notice',
  [priority.INFORMATIONAL]: 'Informational',
  [priority.DEBUG]: 'Debug',
};

const SOURCE_NAMES: Record<number, string> = {
  [sourceEnum.SYSCALL]: 'syscall',
  [sourceEnum.K8S_AUDIT]: 'k8s_audit',
  [sourceEnum.INTERNAL]: 'internal',
  [sourceEnum.PLUGIN]: 'plugin',
};

export function responseToAlert(r: response): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key in r.outputFields) {
    const v = r.outputFields[key];
    fields[key] = v === 'null' ? null : v === 'true' ? true : v === 'false' ? false : v;
  }
  const alert: Record<string, unknown> = {
    priority: PRIORITY_NAMES[r.priority] ?? 'Debug',
    rule: r.rule,
    // Falco < 0.30 sent no `source` string: fall back to the (deprecated) enum, whose default is SYSCALL.
    source: r.source.length > 0 ? r.source : (SOURCE_NAMES[r.sourceDeprecated] ?? 'syscall'),
    output: r.output,
    output_fields: fields,
    tags: r.tags,
  };
  if (r.time) alert.time = timestampToRfc3339(r.time.seconds, r.time.nanos);
  if (r.hostname.length > 0) alert.hostname = r.hostname;
  return alert;
}
