/**
 * A model of Falco's condition language, as far as exfilwatch's rules use it, for tests that cannot run
 * Falco: tokenizing, and evaluating a condition over a few fields (`fd.name`, `fd.typechar`…) with the
 * operators' documented semantics: `glob` is fnmatch without FNM_PATHNAME (`*` crosses `/`), `pmatch` is
 * a prefix match by path components whose components may be globs (Falco 0.36+), `in` is set membership.
 * It checks that the rules say what we mean; it cannot check that Falco agrees.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parse } from 'yaml';

export function tokenize(condition: string): string[] {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\(|\)|,|!=|==|<=|>=|=|<|>|[^\s(),=<>!]+)/gy;
  let end = 0;
  for (;;) {
    const m = re.exec(condition);
    if (!m) break;
    tokens.push(m[1]!);
    end = re.lastIndex;
  }
  expect(condition.slice(end).trim()).toBe(''); // everything tokenized
  return tokens;
}

export interface RulesModel {
  macros: ReadonlyMap<string, string>;
  lists: ReadonlyMap<string, readonly string[]>;
}

type Fields = Readonly<Record<string, string>>;

const RULES_FILE = join(import.meta.dirname, '../../../sensor-config/falco/exfilwatch_rules.yaml');

/** The shipped rules file's macros and lists, and one of its rules by name. */
export function shippedRules(): RulesModel & { rule(name: string): Record<string, unknown> } {
  const doc = parse(readFileSync(RULES_FILE, 'utf8')) as Array<Record<string, unknown>>;
  return {
    macros: new Map(doc.filter((d) => d.macro !== undefined).map((d) => [String(d.macro), String(d.condition)])),
    lists: new Map(
      doc.filter((d) => d.list !== undefined).map((d) => [String(d.list), (d.items as unknown[]).map(String)]),
    ),
    rule(name) {
      const found = doc.find((d) => d.rule === name);
      expect(found, name).toBeDefined();
      return found!;
    },
  };
}

const unquote = (v: string) => (/^(['"]).*\1$/.test(v) ? v.slice(1, -1) : v);

function fnmatch(pattern: string, text: string): boolean {
  const body = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
    .replace(/\[!/g, '[^'); // a bracket expression negated with `!`, as fnmatch writes it
  return new RegExp(`^${body}$`).test(text);
}

function pmatch(prefix: string, path: string): boolean {
  const want = prefix.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  return want.length <= have.length && want.every((w, i) => fnmatch(w, have[i]!));
}

/** Evaluates `condition` (macros and lists from `model`) over `fields`. */
export function evaluate(model: RulesModel, condition: string, fields: Fields): boolean {
  const t = tokenize(condition);
  let i = 0;
  const items = (): string[] => {
    expect(t[i++]).toBe('(');
    const out: string[] = [];
    for (; t[i] !== ')'; i++) {
      if (t[i] === ',') continue;
      const v = unquote(t[i]!);
      out.push(...(model.lists.get(v) ?? [v]));
    }
    i++;
    return out;
  };
  const factor = (): boolean => {
    const tok = t[i++]!;
    if (tok === 'not') return !factor();
    if (tok === '(') {
      const v = or();
      expect(t[i++]).toBe(')');
      return v;
    }
    const macro = model.macros.get(tok);
    if (macro !== undefined) return evaluate(model, macro, fields);
    const value = fields[tok];
    const op = t[i++]!;
    if (op === 'in' || op === 'pmatch') {
      const list = items();
      if (value === undefined) return false;
      return op === 'in' ? list.includes(value) : list.some((p) => pmatch(p, value));
    }
    const rhs = unquote(t[i++]!);
    if (value === undefined) return false;
    switch (op) {
      case '=':
        return value === rhs;
      case '!=':
        return value !== rhs;
      case 'startswith':
        return value.startsWith(rhs);
      case 'endswith':
        return value.endsWith(rhs);
      case 'contains':
        return value.includes(rhs);
      case 'glob':
        return fnmatch(rhs, value);
      default:
        throw new Error(`operator ${op} is not modelled`);
    }
  };
  const and = (): boolean => {
    let v = factor();
    while (t[i] === 'and') {
      i++;
      const r = factor();
      v = v && r;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (t[i] === 'or') {
      i++;
      const r = and();
      v = v || r;
    }
    return v;
  };
  const result = or();
  expect(i, `condition not consumed: ${condition}`).toBe(t.length);
  return result;
}
