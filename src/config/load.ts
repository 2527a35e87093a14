import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { z } from 'zod';
import { redact } from '../correlate/redact.js';
import { ConfigError, errorMessage } from '../errors.js';
import { type FlagOrigin, flagOriginOf } from './flag-origin.js';
import { unknownKeyHint } from './key-suggestion.js';
import { listHint } from './list-hint.js';
import { buildConfigSchema, type ExfilwatchConfig } from './schema.js';

export interface ConfigProblem {
  /** Key path as CONFIGURATION.md writes it, with list indexes: `sources.tetragonGrpc[0].address`. */
  keyPath: string;
  message: string;
}

/** `['allowlist', 0, 'reason']` → `allowlist[0].reason`: the `allowlist[].reason` of CONFIGURATION.md. */
export function keyPathOf(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function describeValue(value: unknown): string {
  // YAML's `.inf` and overflowing literals (`1e400`) parse to Infinity, which JSON writes as `null`.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  // The offending value is echoed to help, but never a credential it may carry (URLs with user:pass@, tokens).
  const json = JSON.stringify(value);
  const text = json === undefined ? undefined : redact(json);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-[^}]*)?\}/;
/** The `user:pass@` (or `token@`) of a URL, scheme optional: a password in a URL holds no raw `/`, `?` or `#`. */
const URL_USERINFO = /^((?:[a-z][a-z0-9+.-]*:\/\/)?)([^/?#\s]*)@/i;
const NOT_EXPANDED =
  'is not expanded: exfilwatch reads no environment variables in its config file (use NATS_URL / --nats, sharedSecret.valueEnv, or render the file first)';

/** A secret that is a reference and nothing else: the mistake. A part of one (a generated password) is not. */
const isWholeReference = (secret: string) => ENV_REFERENCE.exec(secret)?.[0] === secret;

/**
 * `${NATS_HOST}` in a value: the file is not a template, and the text was taken literally. Said here, or
 * `nats://${NATS_HOST}:4222` passed check-config and the daemon then failed to resolve it for ever. A secret
 * (a password, a token, a URL's `user:pass@`) is never echoed: a reference's name at most, never a default.
 */
function envReferences(value: unknown, path: PropertyKey[], out: ConfigProblem[]): void {
  if (typeof value === 'string') {
    const key = path[path.length - 1];
    // Free text, never resolved (an allowlist entry's reason): "${" there is just what it says.
    if (key === 'reason') return;
    const problem = (message: string) => out.push({ keyPath: keyPathOf(path), message });
    if (key === 'password' || key === 'token') {
      const name = ENV_REFERENCE.exec(value)?.[1];
      if (isWholeReference(value)) problem(`\${${name}} ${NOT_EXPANDED}`);
      return;
    }
    const userinfo = URL_USERINFO.exec(value);
    let rest = value;
    const credentials = userinfo?.[2];
    if (userinfo && credentials?.includes('${')) {
      const colon = credentials.indexOf(':');
      const parts = colon < 0 ? [credentials] : [credentials.slice(0, colon), credentials.slice(colon + 1)];
      if (parts.some(isWholeReference)) problem(`a \${…} reference in the URL's user:password@ ${NOT_EXPANDED}`);
      rest = `${userinfo[1]}${value.slice(userinfo[0].length)}`;
    }
    const ref = ENV_REFERENCE.exec(rest)?.[0];
    if (ref !== undefined) problem(`${ref} ${NOT_EXPANDED}`);
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) envReferences(v, [...path, i], out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) envReferences(v, [...path, k], out);
  }
}

/** A config object checked against the schema once: every problem, and the config when there are none. */
export interface ConfigCheck {
  problems: ConfigProblem[];
  /** The validated config; null when the schema refuses the object (a problem is then listed). */
  config: ExfilwatchConfig | null;
}

/**
 * Validates a parsed config object once: its problems, each with its key path, and the config the schema yields.
 * Listing the problems and then parsing validated the whole schema twice (three times in `run`).
 */
export function checkConfig(raw: unknown): ConfigCheck {
  const schema = buildConfigSchema();
  const result = schema.safeParse(raw ?? {});
  const problems: ConfigProblem[] = [];
  envReferences(raw, [], problems);
  if (result.success) return { problems, config: result.data };
  return { problems: [...problems, ...schemaProblems(schema, raw, result.error.issues)], config: null };
}

/** Every problem in a parsed (not yet validated) config object, each with its key path. */
export function configProblems(raw: unknown): ConfigProblem[] {
  return checkConfig(raw).problems;
}

/** The config a check found no problem in; else ConfigError for the first problem (`file`: where it came from). */
export function configOrFirstProblem(check: ConfigCheck, file?: string): ExfilwatchConfig {
  const error = firstProblemError(check.problems, file);
  if (error) throw error;
  // No problem listed means the schema took it; a null config here would be a bug in checkConfig.
  if (check.config === null) throw new Error('config check listed no problem but yielded no config');
  return check.config;
}

function schemaProblems(schema: z.ZodType, raw: unknown, issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  return issues.map((issue: z.core.$ZodIssue) => {
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown key(s) ${issue.keys.map((k) => `"${k}"${unknownKeyHint(issue.path, k)}`).join(', ')}`;
    }
    // zod says "Invalid input: expected string, received undefined" for a key left out, which reads as if
    // the user had written something wrong rather than nothing at all.
    if (issue.code === 'invalid_type' && isMissingKey(raw, issue.path)) {
      message = `required, missing (expected ${issue.expected})`;
    }
    const along = flagOriginAlong(raw, issue.path);
    if (along) {
      const { origin, entryDepth } = along;
      let hint = '';
      // A key the flag has no way to set (`--falco-grpc host:port` needs `tls`): saying only that it is
      // missing sent users looking for a flag that does not exist.
      if (issue.path.length === entryDepth + 1 && isMissingKey(raw, issue.path)) {
        const listPath = keyPathOf(issue.path.slice(0, entryDepth - 1));
        hint = `; a flag cannot give ${String(issue.path[entryDepth])}: put this source in the config file's ${listPath} instead`;
      }
      return { keyPath: origin.flag, message: `${message} (got ${describeValue(origin.value)})${hint}` };
    }
    const value = valueAt(raw, issue.path);
    if (value !== undefined && issue.code !== 'unrecognized_keys') message += ` (got ${describeValue(value)})`;
    if (issue.code === 'invalid_type' && issue.expected === 'array')
      message += listHint(schema, raw, issue.path, value);
    const key = issue.path[issue.path.length - 1];
    if (issue.code === 'invalid_type' && typeof key === 'string' && key.endsWith('Ms')) message += msHint(value);
    return { keyPath: keyPathOf(issue.path), message };
  });
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The unit a duration key (every `…Ms` key) takes, for a value written as text: `windowMs: 30m` got zod's
 * "expected number, received string" alone, naming neither the unit nor the number meant.
 */
function msHint(value: unknown): string {
  if (typeof value !== 'string') return '';
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d)?\s*$/i.exec(value);
  const ms = m ? Number(m[1]) * (UNIT_MS[m[2]?.toLowerCase() ?? 'ms'] ?? 1) : Number.NaN;
  const example = Number.isFinite(ms) ? `write ${Math.round(ms)}, unquoted` : 'a number, 60000 for a minute';
  return `; a duration in milliseconds (every key ending in Ms): ${example}`;
}

/**
 * The flag that made an entry on the way to `path` (`--falco-grpc` for `sources.falcoGrpc[2].tls`), if any, and
 * how many keys of `path` lead to that entry (3 there).
 */
function flagOriginAlong(
  raw: unknown,
  path: ReadonlyArray<PropertyKey>,
): { origin: FlagOrigin; entryDepth: number } | undefined {
  let cur: unknown = raw;
  for (const [i, key] of path.entries()) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
    const origin = flagOriginOf(cur);
    if (origin) return { origin, entryDepth: i + 1 };
  }
  return undefined;
}

/** The key at the end of `path` is absent from an object that is there (not: present with a wrong value). */
function isMissingKey(raw: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  const key = path.at(-1);
  if (key === undefined) return false;
  const parent = path.length === 1 ? raw : valueAt(raw, path.slice(0, -1));
  return parent !== null && typeof parent === 'object' && !Object.hasOwn(parent, key);
}

function valueAt(raw: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = raw;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * The one-line error for a config's problems: the first, and how many more there are (fixing a file one try at
 * a time, a user could not tell whether the next would start). `file`: the config file they came from, whose
 * `check-config` lists them all; not named when a problem came from a flag, which check-config never sees.
 */
export function firstProblemError(problems: readonly ConfigProblem[], file?: string): ConfigError | null {
  const first = problems[0];
  if (!first) return null;
  const more = problems.length - 1;
  let andMore = '';
  if (more > 0) {
    const fromFlag = problems.some((p) => p.keyPath.startsWith('--'));
    const where = file !== undefined && !fromFlag ? `: exfilwatch check-config ${file} lists them all` : '';
    andMore = ` (and ${more} more problem${more === 1 ? '' : 's'}${where})`;
  }
  return new ConfigError(first.keyPath, `${first.message}${andMore}`);
}

/** Validates a parsed config object (read from `file`, when one); throws ConfigError for the first problem. */
export function parseConfig(raw: unknown, file?: string): ExfilwatchConfig {
  return configOrFirstProblem(checkConfig(raw), file);
}

/** `ENOENT: no such file or directory`: Node's text without the `, open '/the/path'` the caller already names. */
function fileErrorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const text = errorMessage(err);
  return e.syscall && e.path ? text.replace(`, ${e.syscall} '${e.path}'`, '') : text;
}

/** `… at line 2, column 1:` and the code frame after it: the position is given once, by the caller. */
function firstLineOf(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Reads and parses a YAML config file. A problem is one ConfigError line: an unreadable file names the flag
 * the path came from (`--config`), or with `flag` null (a positional `check-config FILE`) the path as given;
 * a problem inside the file names the file. The yaml library's own messages carry a multi-line code frame.
 */
export function readConfigText(path: string, flag: string | null = '--config'): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (flag) throw new ConfigError(flag, `cannot read ${path}: ${fileErrorText(err)}`, { cause: err });
    throw new ConfigError(path, `cannot read: ${fileErrorText(err)}`, { cause: err });
  }
  // Merge keys (`<<: *tls`) are YAML 1.1, off by default in 1.2: without them a second source entry reusing
  // the first one's settings was refused as an unknown key "<<", though Kubernetes and Compose files use them.
  const docs = parseAllDocuments(text, { merge: true });
  if (docs.length > 1) throw new ConfigError(path, `expected one YAML document, found ${docs.length}`);
  const doc = docs[0];
  if (doc === undefined) return {};
  const [error] = doc.errors;
  if (error) {
    const at = error.linePos?.[0];
    const where = at ? ` at line ${at.line}, column ${at.col}` : '';
    // `servers: [${NATS_URL}]`: in a flow list `{` opens a map, so the reference the file may not hold fails as
    // syntax, and the message said nothing of it. Its name only: a default (`${NATS_TOKEN:-…}`) may be a secret.
    const reference = at ? ENV_REFERENCE.exec(text.split('\n')[at.line - 1] ?? '') : null;
    const hint = reference ? ` (\${${reference[1]}} on that line ${NOT_EXPANDED})` : '';
    throw new ConfigError(path, `YAML syntax error${where}: ${firstLineOf(error.message)}${hint}`, { cause: error });
  }
  try {
    return doc.toJS() ?? {};
  } catch (err) {
    // Well-formed but not loadable, e.g. an alias to an anchor that is never set.
    throw new ConfigError(path, `not valid YAML: ${firstLineOf(errorMessage(err))}`, { cause: err });
  }
}

/** Loads and validates a config file (or the defaults when no file is given). */
export function loadConfig(path?: string): ExfilwatchConfig {
  return path ? parseConfig(readConfigText(path), path) : parseConfig({});
}
