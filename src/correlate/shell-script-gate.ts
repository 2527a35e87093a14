/**
 * What reading shells' inline scripts may cost the correlator. Every exec's command line is read on the
 * correlator's one thread for copies (./relinks.ts), writes into package caches (./cache-writes.ts) and staging
 * otherwise (./storage-writers.ts: `ln`, `cpio`, run in a directory), which parse a script once between them here, and shell-quote takes 20–250 µs a KiB (docs/performance.md "Shell scripts"): a node exec'ing long
 * `sh -c` scripts in a loop, an attacker's or a busy CI's, would make it spend more CPU than the execs did and hold
 * back every other node's alerts. So a script is parsed only when it may copy (./shell-prefilter.ts: an output
 * redirection or a writer's name), a script seen lately is not parsed again (CI runs the same steps: a memo of
 * MEMO_ENTRIES), and each node has a budget of script characters parsed per second of its event time (a token
 * bucket); past it a script is not read: a copy it makes is missed, counted
 * (`exfilwatch_shell_scripts_skipped_total{reason="budget"}`) and logged once a minute per node.
 */
import type { Logger } from '../telemetry/logger.js';
import { inlineScript, type ShellScriptReader } from './shell-copies.js';
import { MAX_SCRIPT_CHARS } from './shell-script.js';
import { parsedScript, questionsOf } from './shell-stagings.js';
import { NO_WRITES, type ScriptWrites } from './shell-writes.js';
import type { NodeState } from './state.js';

/** Script characters a node may have parsed per second of its event time (~2–15 ms of CPU), and at once. */
export const SCRIPT_CHARS_PER_SECOND = 64 * 1024;
export const SCRIPT_CHARS_BURST = 256 * 1024;
/** Scripts remembered with what they write (each at most MAX_SCRIPT_CHARS: ≤ 2 MiB of UTF-16). */
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

export class ShellScriptGate implements ShellScriptReader {
  private readonly budgets = new WeakMap<NodeState, Budget>();
  /** By script, working directory and parameters; Map order is recency (the oldest goes first). */
  private readonly memo = new Map<string, ScriptWrites>();
  private node: NodeState | null = null;
  /**
   * This exec's shell arguments and what its script writes (null: not asked yet): its readers (copies, cache
   * writes, staging otherwise) ask the same, so the script is found in the arguments once, and charged to the budget (or refused) once.
   */
  private execWrites: ScriptWrites | null = null;
  private execArgs: string | null = null;
  private execArgvCount: number | undefined;
  private execBase: string | null = null;
  /**
   * This exec had a script that may write (parsed, remembered or refused by the budget): what its readers say then
   * depends on the budget and the memo, so ./staging-guards.ts keeps none of it per command line.
   */
  budgetAsked = false;
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
  at(node: NodeState): ShellScriptGate {
    this.node = node;
    this.execWrites = null;
    this.budgetAsked = false;
    return this;
  }

  writes(args: string | null, argvCount: number | undefined, base: string | null): ScriptWrites {
    const known = this.execWrites;
    if (known !== null && this.execArgs === args && this.execArgvCount === argvCount && this.execBase === base)
      return known;
    const inline = inlineScript(args, argvCount);
    // Nothing is written without a redirection or a program writing a file, nor staged otherwise without a name
    // of ./shell-stagings.ts: most scripts are read no further.
    const questions = inline === null ? 0 : questionsOf(inline.script, inline.params);
    const writes =
      inline === null || questions === 0 ? NO_WRITES : this.parsed(inline.script, inline.params, base, questions);
    this.execWrites = writes;
    this.execArgs = args;
    this.execArgvCount = argvCount;
    this.execBase = base;
    return writes;
  }

  /** What the script writes: remembered, else parsed within the node's budget (nothing past it). */
  private parsed(script: string, params: readonly string[], base: string | null, questions: number): ScriptWrites {
    this.budgetAsked = true;
    const long = script.length > MAX_SCRIPT_CHARS;
    const key = long ? null : `${base ?? ''}\0${params.join('\0')}\0${script}`;
    const known = key === null ? undefined : this.memo.get(key);
    if (known !== undefined && key !== null) {
      this.memo.delete(key);
      this.memo.set(key, known);
      return known;
    }
    if (!this.spend(long ? MAX_SCRIPT_CHARS : script.length)) return NO_WRITES;
    if (long) this.tooLong.inc();
    const parsed = parsedScript(script, params, base, questions);
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
