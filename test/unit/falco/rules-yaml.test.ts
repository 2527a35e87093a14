/**
 * Falco cannot run here, so this holds sensor-config/falco/exfilwatch_rules.yaml to what the normalizer
 * needs: every rule prints the output_fields its event family requires, every name its condition uses is a
 * Falco field, an operator, or a macro/list defined in the file (or a standard one listed below), and every
 * rule restricts evt.type (Falco warns about, and pays for, rules that do not).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROCFS_PID_ENTRIES, PROCFS_TOP_ENTRIES } from '../../../src/correlate/procfs-paths.js';
import {
  FALCO_EXEC_FIELDS,
  FALCO_EXIT_FIELDS,
  FALCO_FILE_FIELDS,
  FALCO_NET_FIELDS,
} from '../../../src/formats/falco/index.js';
import { tokenize } from './condition-eval.js';

const RULES_FILE = join(import.meta.dirname, '../../../sensor-config/falco/exfilwatch_rules.yaml');

interface Item {
  rule?: string;
  macro?: string;
  list?: string;
  condition?: string;
  output?: string;
  items?: unknown[];
  priority?: string;
  tags?: string[];
  desc?: string;
}

/** Syscall names with an underscore that the conditions list (not references to Falco lists). */
const UNDERSCORED_SYSCALLS = new Set(['copy_file_range', 'open_by_handle_at']);
/** Standard Falco macros/lists our conditions may use. Empty on purpose: the file is self-contained. */
const STANDARD_MACROS_AND_LISTS: readonly string[] = [];
/** Falco filter fields the conditions may use (checked against the libs field tables by hand). */
const KNOWN_FIELDS = new Set([
  'evt.type',
  'evt.rawres',
  'evt.res',
  'evt.is_open_read',
  'fd.num',
  'fd.name',
  'fd.typechar',
  'fd.snet',
  'fd.rnet',
  'fd.sip',
  'fd.rip',
  'container.id',
  'proc.name',
  'thread.ismain',
]);
const KEYWORDS = new Set(['and', 'or', 'not']);
const BINARY_OPS = new Set([
  '=',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'contains',
  'icontains',
  'startswith',
  'endswith',
  'glob',
]);
const LIST_OPS = new Set(['in', 'intersects', 'pmatch']);
const PRIORITIES = new Set(['EMERGENCY', 'ALERT', 'CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFORMATIONAL', 'DEBUG']);

/** Names used in predicate position (macros, fields) and lists referenced inside value lists. */
function namesUsed(condition: string): { predicates: string[]; listRefs: string[] } {
  const t = tokenize(condition);
  const predicates: string[] = [];
  const listRefs: string[] = [];
  for (let i = 0; i < t.length; i++) {
    const tok = t[i]!;
    if (tok === '(' || tok === ')' || KEYWORDS.has(tok)) continue;
    if (BINARY_OPS.has(tok)) {
      i++; // the value
      continue;
    }
    if (LIST_OPS.has(tok)) {
      expect(t[i + 1]).toBe('(');
      let j = i + 2;
      for (; t[j] !== ')'; j++) if (t[j] !== ',') listRefs.push(t[j]!);
      i = j;
      continue;
    }
    predicates.push(tok);
  }
  return { predicates, listRefs };
}

describe('sensor-config/falco/exfilwatch_rules.yaml', () => {
  const doc = parse(readFileSync(RULES_FILE, 'utf8')) as Item[];
  const rules = doc.filter((d) => d.rule !== undefined);
  const macros = new Map(doc.filter((d) => d.macro !== undefined).map((d) => [d.macro!, d.condition!]));
  const lists = new Set(doc.filter((d) => d.list !== undefined).map((d) => d.list!));
  const defined = new Set([...macros.keys(), ...lists, ...STANDARD_MACROS_AND_LISTS]);

  it('is a list of rules, macros and lists with the keys Falco requires', () => {
    expect(Array.isArray(doc)).toBe(true);
    expect(rules.length).toBeGreaterThanOrEqual(6);
    for (const r of rules) {
      expect(typeof r.desc, r.rule).toBe('string');
      expect(typeof r.condition, r.rule).toBe('string');
      expect(typeof r.output, r.rule).toBe('string');
      expect(PRIORITIES.has(String(r.priority)), r.rule).toBe(true);
      expect(r.tags, r.rule).toContain('exfilwatch');
    }
    for (const l of doc.filter((d) => d.list !== undefined)) expect(Array.isArray(l.items)).toBe(true);
  });

  it("every condition uses only known fields and the file's own macros and lists", () => {
    const check = (owner: string, condition: string) => {
      const { predicates, listRefs } = namesUsed(condition);
      for (const name of predicates) {
        const ok = KNOWN_FIELDS.has(name) || defined.has(name);
        expect(ok, `${owner}: "${name}" is neither a known field nor a defined macro`).toBe(true);
      }
      for (const ref of listRefs) {
        if (/^[a-z_][a-z0-9_]*$/.test(ref) && ref.includes('_') && !UNDERSCORED_SYSCALLS.has(ref)) {
          // A bare identifier with underscores in a value list is a list reference, unless it is one of the
          // syscall names listed above.
          expect(defined.has(ref), `${owner}: list "${ref}" is not defined`).toBe(true);
        }
      }
    };
    for (const [name, condition] of macros) check(`macro ${name}`, condition);
    for (const r of rules) check(`rule ${r.rule}`, r.condition!);
  });

  it('defines every macro and list before a condition uses it', () => {
    const seen = new Set<string>(STANDARD_MACROS_AND_LISTS);
    for (const item of doc) {
      if (item.condition !== undefined) {
        const { predicates, listRefs } = namesUsed(item.condition);
        for (const name of [...predicates, ...listRefs].filter((n) => defined.has(n)))
          expect(seen.has(name), `${item.rule ?? item.macro}: "${name}" is defined after it`).toBe(true);
      }
      if (item.macro !== undefined) seen.add(item.macro);
      if (item.list !== undefined) seen.add(item.list);
    }
  });

  it("lists procfs's entries as the classifier knows them (src/correlate/procfs-paths.ts)", () => {
    const entries = doc.find((d) => d.list === 'exfilwatch_procfs_pid_entries')?.items as string[] | undefined;
    expect(entries?.map((e) => e.replace(/^\/proc\/\*\//, '')).sort()).toEqual([...PROCFS_PID_ENTRIES].sort());
    const top = doc.find((d) => d.list === 'exfilwatch_procfs_top_entries')?.items as string[] | undefined;
    expect(top?.map((e) => e.replace(/^\/proc\//, '')).sort()).toEqual(['[0-9]*', ...PROCFS_TOP_ENTRIES].sort());
  });

  it('every rule restricts evt.type (directly or through a macro)', () => {
    const mentionsEvtType = (condition: string, depth = 0): boolean =>
      condition.includes('evt.type') ||
      (depth < 5 &&
        namesUsed(condition).predicates.some((n) => macros.has(n) && mentionsEvtType(macros.get(n)!, depth + 1)));
    for (const r of rules) expect(mentionsEvtType(r.condition!), r.rule).toBe(true);
  });

  it("every rule's output prints the fields the normalizer needs for its event family", () => {
    const families: Array<[RegExp, readonly string[]]> = [
      [/\b(execve|execveat)\b|exfilwatch_spawned_process/, FALCO_EXEC_FIELDS],
      [/\bprocexit\b/, FALCO_EXIT_FIELDS],
      [/\b(open|openat|openat2|read|readv|pread|preadv|copy_file_range|splice)\b/, FALCO_FILE_FIELDS],
      [/\b(connect|sendto|sendmsg|send|close)\b/, FALCO_NET_FIELDS],
    ];
    for (const r of rules) {
      const printed = new Set([...r.output!.matchAll(/%([a-z0-9_.[\]]+)/g)].map((m) => m[1]!));
      const matched = families.filter(([re]) => re.test(r.condition!));
      expect(matched.length, `${r.rule}: no event family recognised`).toBeGreaterThan(0);
      for (const [, needed] of matched) {
        for (const field of needed) expect(printed.has(field), `${r.rule}: output lacks %${field}`).toBe(true);
      }
    }
  });

  it('the connect rule keeps private (RFC 1918) destinations, unlike the stock outbound macro', () => {
    const connect = rules.find((r) => /evt\.type = connect/.test(r.condition!));
    expect(connect).toBeDefined();
    expect(connect!.condition).not.toMatch(/outbound|rfc_1918|10\.0\.0\.0|192\.168|172\.16/);
  });
});
