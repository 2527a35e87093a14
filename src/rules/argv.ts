/**
 * Argument parsing for push recognition. Runs once per process (exec or first sight), never per file or
 * network event, so clarity beats speed here.
 *
 * Sensors report argv as one space-joined string (Tetragon quotes arguments that hold spaces; Falco does
 * not), and an empty last argument can be lost (tetragon#5611), so parsing is defensive.
 */
import { domainToASCII } from 'node:url';

import { keyedValues } from './build-outputs.js';
import { gitLongOption } from './git-options.js';
import type { FlagRequirement } from './types.js';

export { tokenize } from './tokenize.js';

/** How a tool's flags take values, so positional words (sub-commands, remotes) are found correctly. */
export interface FlagSyntax {
  /** Long or short flags that consume the next word (or `=value`). */
  valueFlags?: readonly string[];
  /** Single-letter flags that take a value when combined (`-XPUT`, `-sT file`), curl style. */
  valueShortLetters?: string;
  /**
   * Short flags combine in one word though none takes a value, and one takes a value after `=` (pflag:
   * `git-lfs push -ad` is `-a -d`, `-d=false`).
   */
  bundledShortFlags?: boolean;
  /** Words starting with `+` are flags too (rustup's toolchain override: `cargo +nightly publish`). */
  plusFlags?: boolean;
  /** A flag's value may follow a `:` as well as a `=` (`--source:URL`, `-s:URL`: .NET command lines). */
  colonValues?: boolean;
  /**
   * Option names matched in any case and by any unambiguous prefix, reported as `-Name` (nuget.exe:
   * `-so x`, `-SOURCE x`, `-Source- x` are `-Source x`); `prefixAliases` maps other names to them
   * (`src` → `Source`), matched the same way.
   */
  prefixOptions?: readonly string[];
  prefixAliases?: Readonly<Record<string, string>>;
  /**
   * Long options the tool also takes by any unambiguous prefix (getopt_long: `wget --post-f=F`, `--meth=PUT`),
   * with the tool's other options that share a prefix with them, so that an ambiguous one stays unknown.
   */
  longPrefixes?: readonly string[];
  /**
   * Long options read as git's parse-options reads them (./git-options.ts): by any unambiguous prefix, and
   * negated by `--no-` before any such prefix (`git push --no-dry` is `--no-dry-run`).
   */
  gitLongOptions?: readonly string[];
  /**
   * A long flag the list does not give a value takes a following `true` or `false` as its value: npm's nopt
   * reads `--dry-run false` as `--dry-run=false` (found by review: `npm publish --dry-run false` uploads).
   */
  boolWords?: boolean;
}

export interface ParsedArgv {
  positionals: string[];
  /** Flags in order, with their value where the flag takes one (`--push` → value null). */
  flags: Array<{ flag: string; value: string | null }>;
  /**
   * Indices of positionals that directly follow a flag taken as valueless: the value of an option the
   * tool's flag list lacks (`podman --root /x push`, `kubectl -v 9 cp`), or a real positional.
   */
  afterFlag: Set<number>;
}

/** Each syntax's value flags as a set, built once: curl's list alone is ~90 flags, and curl runs often. */
const valueFlagSets = new WeakMap<FlagSyntax, ReadonlySet<string>>();

function valueFlagsOf(syntax: FlagSyntax): ReadonlySet<string> {
  let set = valueFlagSets.get(syntax);
  if (set === undefined) {
    set = new Set(syntax.valueFlags ?? []);
    valueFlagSets.set(syntax, set);
  }
  return set;
}

export function parseArgv(words: readonly string[], syntax: FlagSyntax): ParsedArgv {
  const valueFlags = valueFlagsOf(syntax);
  const shortLetters = syntax.valueShortLetters ?? '';
  const pflagShorts = syntax.bundledShortFlags === true;
  const positionals: string[] = [];
  const flags: ParsedArgv['flags'] = [];
  const afterFlag = new Set<number>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    // git's parse-options also ends options at `--end-of-options` (a remote may be named `--dry-run`).
    if (w === '--' || (w === '--end-of-options' && syntax.gitLongOptions !== undefined)) {
      positionals.push(...words.slice(i + 1));
      break;
    }
    if (syntax.plusFlags === true && w.length > 1 && w[0] === '+') {
      flags.push({ flag: w, value: null });
      continue;
    }
    if (w.length < 2 || w[0] !== '-') {
      const last = flags[flags.length - 1];
      if (last !== undefined && last.value === null && words[i - 1]?.startsWith('-')) afterFlag.add(positionals.length);
      positionals.push(w);
      continue;
    }
    if (syntax.prefixOptions !== undefined && w[1] !== '-') {
      const name = prefixOption(w.slice(1), syntax.prefixOptions, syntax.prefixAliases ?? {});
      if (name !== null) {
        const flag = `-${name}`;
        if (valueFlags.has(flag)) {
          flags.push({ flag, value: words[i + 1] ?? null });
          i++;
        } else {
          flags.push({ flag, value: null });
        }
        continue;
      }
    }
    if (w.startsWith('--')) {
      const eq = valueSeparator(w, syntax);
      const name = eq > 0 ? w.slice(0, eq) : w;
      const flag =
        syntax.gitLongOptions !== undefined
          ? gitLongOption(name, syntax.gitLongOptions)
          : longOption(name, syntax.longPrefixes);
      if (eq > 0) {
        flags.push({ flag, value: w.slice(eq + 1) });
      } else if (valueFlags.has(flag)) {
        flags.push({ flag, value: words[i + 1] ?? null });
        i++;
      } else if (syntax.boolWords === true && (words[i + 1] === 'true' || words[i + 1] === 'false')) {
        flags.push({ flag, value: words[i + 1]! });
        i++;
      } else {
        flags.push({ flag, value: null });
      }
      continue;
    }
    // Short flags: `-c x`, `-XPUT`, `-sSfT file` (curl), `-d@file`.
    if (valueFlags.has(w)) {
      flags.push({ flag: w, value: words[i + 1] ?? null });
      i++;
      continue;
    }
    if (shortLetters === '' && !pflagShorts) {
      const eq = valueSeparator(w, syntax);
      flags.push(eq > 0 ? { flag: w.slice(0, eq), value: w.slice(eq + 1) } : { flag: w, value: null });
      continue;
    }
    for (let j = 1; j < w.length; j++) {
      const letter = w[j]!;
      if (shortLetters.includes(letter)) {
        const rest = w.slice(j + 1);
        if (rest.length > 0) flags.push({ flag: `-${letter}`, value: rest });
        else {
          flags.push({ flag: `-${letter}`, value: words[i + 1] ?? null });
          i++;
        }
        break;
      }
      if (pflagShorts && w[j + 1] === '=') {
        flags.push({ flag: `-${letter}`, value: w.slice(j + 2) });
        break;
      }
      flags.push({ flag: `-${letter}`, value: null });
    }
  }
  return { positionals, flags, afterFlag };
}

/**
 * Where the positionals after a command's words start (`['compose', 'push']`), or -1 when argv does not run
 * that command. A word after a flag not known to take a value may be that flag's value, so it is skipped
 * when it is not the next command word: `docker compose -p x push`, `podman --root /x push` (every tool
 * has global options a flag list lacks, and each one would otherwise hide the push). A command word `*`
 * is any word (`yarn workspace NAME npm publish`).
 */
export function commandEnd(parsed: ParsedArgv, words: readonly string[]): number {
  let j = 0;
  let i = 0;
  for (; j < words.length; i++) {
    const p = parsed.positionals[i];
    if (p === undefined) return -1;
    if (p === words[j] || (words[j] === '*' && !p.startsWith('-'))) j++;
    else if (!parsed.afterFlag.has(i)) return -1;
  }
  return i;
}

/** Where the positionals after the first one matching `goal` start (`mvn clean deploy`), or -1 when none does. */
export function goalEnd(parsed: ParsedArgv, goal: RegExp): number {
  return parsed.positionals.findIndex((p) => goal.test(p)) + 1 || -1;
}

/**
 * The JVM system property is true as plugins read it (`Boolean.parseBoolean`): its last definition (`-Dname`, `-D
 * name=v`, `--define name=v`) is bare, which Maven and Gradle set to `true`, or `true` in any case; `=yes` is false.
 */
export function javaPropertyTrue(parsed: ParsedArgv, name: string): boolean {
  let on = false;
  for (const f of parsed.flags) {
    let value: string | null | undefined;
    if (f.flag === `-D${name}`) value = f.value;
    else if ((f.flag === '-D' || f.flag === '--define') && f.value !== null) {
      const eq = f.value.indexOf('=');
      if ((eq < 0 ? f.value : f.value.slice(0, eq)) === name) value = eq < 0 ? null : f.value.slice(eq + 1);
    }
    if (value !== undefined) on = value === null || value.toLowerCase() === 'true';
  }
  return on;
}

/**
 * A flag's value as a remote: a `k=v,…` list's `key` (the first of the names an image output lists), or what
 * follows `separator` (`ID::https://[::1]`).
 */
export function flagRemote(value: string, key: string | undefined, separator: string | undefined): string | null {
  if (key !== undefined) return keyedValues(value, key)[0] ?? null;
  if (separator === undefined) return value;
  const at = value.lastIndexOf(separator, value.includes('://') ? value.indexOf('://') - separator.length : Infinity);
  return at < 0 ? value : value.slice(at + separator.length) || null;
}

/**
 * The remotes other occurrences of the remote's flag name: kaniko's `--destination A --destination B` and
 * buildx's `-t A -t B` push to each, and crane (pflag) pushes to its last `-t`, while the remote is the first.
 * An image output's `name=` may list several (`"name=a/x:1,b/y:2"`): BuildKit pushes to each. With none of
 * the flag given, those of the `fallbackKeyed` flag the remote was taken from.
 */
export function otherFlagRemotes(
  parsed: ParsedArgv,
  loc: {
    flag: readonly string[];
    key?: string;
    afterLast?: string;
    fallbackKeyed?: { flag: readonly string[]; key: string };
  },
  remote: string | null,
): string[] {
  const others = new Set<string>();
  let given = false;
  for (const f of parsed.flags) {
    if (!f.value || !loc.flag.includes(f.flag)) continue;
    given = true;
    const values =
      loc.key !== undefined ? keyedValues(f.value, loc.key) : [flagRemote(f.value, undefined, loc.afterLast)];
    for (const value of values) if (value !== null && value !== remote) others.add(value);
  }
  if (!given && loc.fallbackKeyed !== undefined) return otherFlagRemotes(parsed, loc.fallbackKeyed, remote);
  return [...others];
}

/**
 * `--dry-run=false`, `--no-push=false` (npm's and cobra's booleans take a value): the flag is off. What either
 * parser takes for false: Go's strconv.ParseBool `f`, `F`, `FALSE`, `False`, `0`; npm's nopt `false`, `null`
 * and any number that is zero, the empty string too (`--dry-run=`, `--dry-run=00`: found by review, those
 * dry runs were the publishes they are not).
 */
export function isFalseValue(value: string | null): boolean {
  if (value === null) return false;
  if (/^(?:false|f|null)$/i.test(value)) return true;
  // nopt: `!isNaN(val) ? !!(+val)`, the same coercion as Number().
  return Number(value) === 0;
}

/**
 * The flag is in force: its last occurrence or its negation's decides (`--dry-run --no-dry-run`,
 * `--no-push --no-push=false`), as git's parse-options, npm's nopt and Go's pflag let the last one win.
 */
export function flagInForce(parsed: ParsedArgv, flag: string, aliases: Readonly<Record<string, string>> = {}): boolean {
  // Compared by the option's long name: `--no-dry-run` takes back `-n` as well as `--dry-run` (git's OPT_BOOL).
  const name = Object.hasOwn(aliases, flag) ? aliases[flag]! : flag;
  const negation = name.startsWith('--') ? `--no-${name.slice(2)}` : null;
  let on = false;
  for (const x of parsed.flags) {
    const given = Object.hasOwn(aliases, x.flag) ? aliases[x.flag]! : x.flag;
    if (given === name) on = !isFalseValue(x.value);
    else if (given === negation) on = isFalseValue(x.value);
  }
  return on;
}

/** The flag is given (with a value among `values`, or containing one of `valueContains`, when those are set). */
export function hasFlag(parsed: ParsedArgv, req: FlagRequirement): boolean {
  return parsed.flags.some((f) => {
    if (!req.flags.includes(f.flag)) return false;
    if (req.values && !(f.value && req.values.includes(f.value.toUpperCase()))) return false;
    if (req.valueContains && !(f.value && req.valueContains.some((v) => f.value!.toLowerCase().includes(v))))
      return false;
    if (req.valueMatches && !(f.value && req.valueMatches.test(f.value))) return false;
    return true;
  });
}

/** The long option `typed` abbreviates (getopt_long: the only one it prefixes), else `typed`. */
function longOption(typed: string, names: readonly string[] | undefined): string {
  if (names === undefined || names.includes(typed)) return typed;
  const hits = names.filter((n) => n.startsWith(typed));
  return hits.length === 1 ? hits[0]! : typed;
}

/** Where a flag word's attached value starts (`--x=v`, and `--x:v` where the syntax allows it), or -1. */
function valueSeparator(w: string, syntax: FlagSyntax): number {
  const eq = w.indexOf('=');
  if (syntax.colonValues !== true) return eq;
  const colon = w.indexOf(':');
  return colon > 0 && (eq < 0 || colon < eq) ? colon : eq;
}

/**
 * The option `typed` names (case-insensitive; one trailing `-` allowed; an exact name or alias, else the
 * only option whose name or alias it prefixes), or null.
 */
function prefixOption(
  typed: string,
  options: readonly string[],
  aliases: Readonly<Record<string, string>>,
): string | null {
  const t = (typed.endsWith('-') ? typed.slice(0, -1) : typed).toLowerCase();
  if (t === '') return null;
  const names: Array<[string, string]> = [
    ...options.map((o): [string, string] => [o.toLowerCase(), o]),
    ...Object.entries(aliases).map(([a, o]): [string, string] => [a.toLowerCase(), o]),
  ];
  const exact = names.find(([n]) => n === t);
  if (exact !== undefined) return exact[1];
  const prefixed = new Set(names.filter(([n]) => n.startsWith(t)).map(([, o]) => o));
  return prefixed.size === 1 ? [...prefixed][0]! : null;
}

export function basename(path: string | null): string {
  if (!path) return '';
  const slash = path.lastIndexOf('/');
  return slash >= 0 ? path.slice(slash + 1) : path;
}

/**
 * Host of an URL-ish word (`https://u@h:443/p`, `h/p` for curl), lower-cased and without the DNS root's
 * trailing dot (`api.github.com.` is the same server: curl, git and browsers resolve and send it alike, and a
 * host list compared by text would not know it); null when none.
 */
export function urlHost(word: string): { host: string; path: string } | null {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(?:[^/@\s]*@)?(\[[^\]]+\]|[^/:?#\s]+)(?::\d+)?([^\s]*)$/i.exec(word);
  if (!m) return null;
  return { host: canonicalHost(m[2]!.replace(/^\[|\]$/g, '')), path: m[3] || '/' };
}

/**
 * A hostname as the host lists hold it: the name a client resolves for it. curl, browsers and WHATWG URL
 * parsers (Node's fetch) percent-decode a host and map it to ASCII by UTS #46, so `api%2egithub%2ecom`,
 * `ａｐｉ.github.com` (fullwidth letters) and `api。github。com` (ideographic full stops) all reach
 * api.github.com; then lower-cased, one trailing root dot dropped (`GitHub.com.` → `github.com`).
 */
export function canonicalHost(host: string): string {
  let h = host.toLowerCase();
  if (/[%\u0080-\uffff]/.test(h)) {
    try {
      h = domainToASCII(decodeURIComponent(h)) || h;
    } catch {
      // A malformed escape (`%zz`, an IPv6 zone `%eth0`): no client resolves it otherwise; kept as written.
    }
  }
  return h.length > 1 && h.endsWith('.') ? h.slice(0, -1) : h;
}

/** A word naming something on this machine to upload: not a URL, an scp-like remote or `/dev/null`. */
export function isLocalUpload(word: string | undefined): boolean {
  if (word === undefined || word === '/dev/null') return false;
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(word) && scpLikeHost(word) === null;
}

/** `git@github.com:org/repo.git` (scp-like ssh remote) → github.com. */
export function scpLikeHost(word: string): string | null {
  const m = /^(?:[^@/\s]+@)?([a-z0-9.-]+\.[a-z]{2,}):(?!\/\/)[^\s]*$/i.exec(word);
  return m ? m[1]!.toLowerCase() : null;
}

/** containers/image transports that stay on the machine (`skopeo copy … dir:/tmp/x`). */
const LOCAL_TRANSPORT = /^(dir|oci|oci-archive|docker-archive|docker-daemon|containers-storage|sif|tarball):/i;

/**
 * Registry host of an image reference (`ghcr.io/o/i:t`, `docker://quay.io/x`, `oci://reg/ns`, `alpine`).
 * Docker Hub references without a registry part go to registry-1.docker.io.
 */
export function imageRegistryHost(ref: string): string | null {
  let r = ref;
  const transport = /^(docker|oci|registry|https?):\/\//i.exec(r);
  if (transport) r = r.slice(transport[0].length);
  else if (LOCAL_TRANSPORT.test(r)) return null;
  const first = r.split('/')[0] ?? '';
  if (!first) return null;
  if (r.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return first.replace(/:\d+$/, '').toLowerCase();
  }
  return 'registry-1.docker.io';
}
