/**
 * What reading shells' inline scripts may cost the correlator. Every exec's command line is read on the
 * correlator's one thread for copies (./relinks.ts) and writes into package caches (./cache-writes.ts), which parse
 * a script once between them here, and shell-quote takes 20–250 µs a KiB (docs/performance.md "Shell scripts"): a node exec'ing long
 * `sh -c` scripts in a loop, an attacker's or a busy CI's, would make it spend more CPU than the execs did and hold
 * back every other node's alerts. So a script is parsed only when it may copy (./shell-prefilter.ts: an output
 * redirection or a writer's name), a script seen lately is not parsed again (CI runs the same steps: a memo of
 * MEMO_ENTRIES), and each node has a budget of script characters parsed per second of its event time (a token
 * bucket); past it a script is not read: a copy it makes is missed, counted
 * (`exfilwatch_shell_scripts_skipped_total{reason="budget"}`) and logged once a minute per node.
 */
import type { Logger } from '../telemetry/logger.js';
import { NO_RELINK, type Relink } from './copy-paths.js';
import { copiesOf, type InlineScript, type ShellScriptReader } from './shell-copies.js';
import { mayCopy } from './shell-prefilter.js';
import { MAX_SCRIPT_CHARS, type ShellCommand, shellCommands } from './shell-script.js';
import type { NodeState } from './state.js';

/** Script characters a node may have parsed per second of its event time (~2–15 ms of CPU), and at once. */
export const SCRIPT_CHARS_PER_SECOND = 64 * 1024;
export const SCRIPT_CHARS_BURST = 256 * 1024;
/** Scripts remembered with their commands and copies (each at most MAX_SCRIPT_CHARS: ≤ 2 MiB of UTF-16). */
const MEMO_ENTRIES = 128;
const LOG_EVERY_MS = 60_000;

export const SHELL_SKIP_REASONS = ['budget', 'too_long'] as const;

interface Budget {
  chars: number;
  atMs: number;
  /** Scripts skipped since the last log line, and when that was. */
  skipped: number;
  loggedMs: number;
}

/** A script parsed: its commands, and what they copy once asked. */
interface Parsed {
  commands: readonly ShellCommand[];
  copies: Relink | null;
}

const NOT_PARSED: Parsed = { commands: [], copies: NO_RELINK };

export class ShellScriptGate implements ShellScriptReader {
  private readonly budgets = new WeakMap<NodeState, Budget>();
  /** By script, working directory and parameters; Map order is recency (the oldest goes first). */
  private readonly memo = new Map<string, Parsed>();
  private node: NodeState | null = null;
  /** The script of this exec the budget refused: its second reader (cache-writes) is refused without a count. */
  private refused: string | null = null;
  private readonly overBudget: { inc(): void };
  private readonly tooLong: { inc(): void };

  constructor(
    skipped: { labels(reason: (typeof SHELL_SKIP_REASONS)[number]): { inc(): void } },
    private readonly logger: Logger,
  ) {
    this.overBudget = skipped.labels('budget');
    this.tooLong = skipped.labels('too_long');
  }

  /** This reader for the scripts of an exec of `node`, read within its budget at its clock (no allocation). */
  at(node: NodeState): ShellScriptReader {
    this.node = node;
    this.refused = null;
    return this;
  }

  copies(inline: InlineScript, base: string | null): Relink {
    if (!mayCopy(inline.script, inline.params)) return NO_RELINK;
    const parsed = this.parsed(inline, base);
    parsed.copies ??= copiesOf(parsed.commands);
    return parsed.copies;
  }

  commands(inline: InlineScript, base: string | null): readonly ShellCommand[] {
    return this.parsed(inline, base).commands;
  }

  /** The script's commands: remembered, else parsed within the node's budget (none past it). */
  private parsed(inline: InlineScript, base: string | null): Parsed {
    const { script, params } = inline;
    const long = script.length > MAX_SCRIPT_CHARS;
    const key = long ? null : `${base ?? ''}\0${params.join('\0')}\0${script}`;
    const known = key === null ? undefined : this.memo.get(key);
    if (known !== undefined && key !== null) {
      this.memo.delete(key);
      this.memo.set(key, known);
      return known;
    }
    const id = key ?? script;
    if (this.refused === id) return NOT_PARSED;
    if (!this.spend(long ? MAX_SCRIPT_CHARS : script.length)) {
      this.refused = id;
      return NOT_PARSED;
    }
    if (long) this.tooLong.inc();
    const parsed: Parsed = { commands: shellCommands(script, base, params), copies: null };
    if (key !== null) {
      if (this.memo.size >= MEMO_ENTRIES) this.memo.delete(this.memo.keys().next().value!);
      this.memo.set(key, parsed);
    }
    return parsed;
  }

  /** Takes `chars` from the current node's budget, refilled by its event time; false (counted, logged) when short. */
  private spend(chars: number): boolean {
    const node = this.node;
    if (node === null) return true;
    let b = this.budgets.get(node);
    if (b === undefined) {
      b = { chars: SCRIPT_CHARS_BURST, atMs: node.maxMs, skipped: 0, loggedMs: Number.NEGATIVE_INFINITY };
      this.budgets.set(node, b);
    }
    const nowMs = node.maxMs;
    if (nowMs > b.atMs) {
      b.chars = Math.min(SCRIPT_CHARS_BURST, b.chars + ((nowMs - b.atMs) * SCRIPT_CHARS_PER_SECOND) / 1000);
      b.atMs = nowMs;
    }
    if (b.chars >= chars) {
      b.chars -= chars;
      return true;
    }
    this.overBudget.inc();
    b.skipped++;
    if (nowMs - b.loggedMs >= LOG_EVERY_MS) {
      this.logger.warn(
        { node: node.name, skipped: b.skipped, charsPerSecond: SCRIPT_CHARS_PER_SECOND },
        "shell scripts not read for copies: the node's parse budget is spent (a copy they make is missed)",
      );
      b.skipped = 0;
      b.loggedMs = nowMs;
    }
    return false;
  }
}
