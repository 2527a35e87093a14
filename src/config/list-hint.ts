/**
 * How to write a list that was given one entry or one value bare (`tetragonGrpc:` with `address:` under it,
 * `servers: nats://…`, `tetragonGrpc: unix:///…`): zod's "expected array, received …" named the key, not the fix.
 * The fix for a bare value depends on what the list holds, so the schema is asked with the value made a list:
 * `[value]` for a list of values, not for a list of maps (there `[value]` is "expected object" in turn).
 */
import type { z } from 'zod';

export function listHint(schema: z.ZodType, raw: unknown, path: readonly PropertyKey[], value: unknown): string {
  if (value !== null && typeof value === 'object')
    return '; a list: put `- ` before its first key to make it one entry';
  if (typeof value !== 'string') return '';
  const entry = [...path, 0];
  const asValue = issuesOf(schema, withValueAt(raw, path, [value]));
  const wrongEntry = asValue.find((i) => i.code === 'invalid_type' && samePath(i.path, entry));
  if (wrongEntry === undefined) return '; a list: write [value] or put the value on a line of its own after `- `';
  // A list of maps: which key a bare value meant is not the schema's to say (an allowlist entry's one required key
  // is its reason).
  if (wrongEntry.code === 'invalid_type' && wrongEntry.expected === 'object')
    return '; a list of maps: one entry per `- `, its keys under it, not a value alone';
  return '';
}

function issuesOf(schema: z.ZodType, raw: unknown): readonly z.core.$ZodIssue[] {
  return schema.safeParse(raw).error?.issues ?? [];
}

function samePath(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/** `raw` with `value` at `path`, copied along the path (the parsed file itself is left as it was). */
function withValueAt(raw: unknown, path: readonly PropertyKey[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path as [PropertyKey, ...PropertyKey[]];
  const copy = (Array.isArray(raw) ? [...raw] : { ...(raw !== null && typeof raw === 'object' ? raw : {}) }) as Record<
    PropertyKey,
    unknown
  >;
  copy[key] = withValueAt(copy[key], rest, value);
  return copy;
}
