/**
 * Typed reads of Falco `output_fields` values. Falco's JSON gives numbers for decimal integer fields,
 * strings for text, `null` for fields it could not extract; the gRPC API stringifies everything (`"34816"`,
 * `"null"`). A value of the wrong type reads as `null`, never as a crash: the event keeps what it can.
 */

export type FalcoFields = Record<string, unknown>;

/** A non-empty string, else null. Falco prints `<NA>` in text output; treat it (and `N/A`) as missing too. */
export function str(fields: FalcoFields, key: string): string | null {
  const v = fields[key];
  if (typeof v !== 'string' || v.length === 0) return null;
  if (v === '<NA>' || v === 'N/A') return null;
  return v;
}

/** True when `text` is an optional minus sign followed by 1..n ASCII digits (no regex on the hot path). */
export function isIntegerText(text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  let i = text.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (i === n) return false;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A safe integer from a JSON number or a decimal string (gRPC form), else null. */
export function int(fields: FalcoFields, key: string): number | null {
  const v = fields[key];
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  if (typeof v === 'string' && isIntegerText(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : null;
  }
  if (typeof v === 'bigint') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

/** A TCP/UDP port (0..65535) from a number or a decimal string, else null. */
export function port(fields: FalcoFields, key: string): number | null {
  const p = int(fields, key);
  return p !== null && p >= 0 && p <= 65535 ? p : null;
}

/** Text after the first space: `proc.cmdline` is `<comm> <args…>`, so this is the args without argv[0]. */
export function argsOf(cmdline: string | null): string | null {
  if (cmdline === null) return null;
  const space = cmdline.indexOf(' ');
  if (space < 0) return '';
  return cmdline.slice(space + 1);
}

/** First word of a command line (what `proc.cmdline` starts with: the comm). */
export function firstWord(cmdline: string | null): string | null {
  if (cmdline === null) return null;
  const space = cmdline.indexOf(' ');
  const w = space < 0 ? cmdline : cmdline.slice(0, space);
  return w.length > 0 ? w : null;
}

export interface Endpoint {
  addr: string;
  port: number | null;
}

/** Splits `addr:port` at the LAST colon (IPv6 addresses carry colons of their own; Falco prints them bare). */
export function splitHostPort(text: string): Endpoint | null {
  let s = text;
  const colon = s.lastIndexOf(':');
  if (colon <= 0) return null;
  const portText = s.slice(colon + 1);
  s = s.slice(0, colon);
  if (s.charCodeAt(0) === 91 /* [ */ && s.charCodeAt(s.length - 1) === 93 /* ] */) s = s.slice(1, -1);
  const p = isIntegerText(portText) ? Number(portText) : Number.NaN;
  return { addr: s, port: p >= 0 && p <= 65535 ? p : null };
}

/** Parses Falco's socket `fd.name` tuple `cip:cport->sip:sport`; null when `name` is not one. */
export function parseTuple(name: string | null): { client: Endpoint | null; server: Endpoint | null } | null {
  if (name === null) return null;
  const arrow = name.indexOf('->');
  if (arrow < 0) return null;
  return { client: splitHostPort(name.slice(0, arrow)), server: splitHostPort(name.slice(arrow + 2)) };
}

/**
 * `k8s.pod.labels` is printed as `key:value,key2:value2` (some versions add a space after the comma), and a
 * label whose value is empty as its key alone (libsinsp appends `:value` only when there is one). Label keys
 * and values hold no `,` or `:`. Returns undefined when absent or unparseable so the event carries no labels.
 */
export function podLabels(fields: FalcoFields): Record<string, string> | undefined {
  const raw = str(fields, 'k8s.pod.labels');
  if (raw === null) return undefined;
  const labels: Record<string, string> = {};
  let count = 0;
  for (const part of raw.split(',')) {
    const item = part.trim();
    const colon = item.indexOf(':');
    if (colon === 0 || item.length === 0) continue;
    if (colon < 0) labels[item] = '';
    else labels[item.slice(0, colon)] = item.slice(colon + 1);
    count++;
  }
  return count > 0 ? labels : undefined;
}
