/**
 * The push-tool recognition's answers for command lines seen before. A node runs the same few command lines
 * over and over (probes, health checks, cron jobs: the bench's Falco workload has 8 distinct ones in 922 execs),
 * and Falco has no exec ids, so every new pid, exec or first read, is a new process to recognize: at ~20–30 µs
 * each, recognition was the largest per-process cost on the Falco path (docs/falco-receiver.md, 2026-11-30).
 *
 * Only answers that cannot change are kept: none (the common case) and "download" (a fresh, never-modified
 * object), never a push or a signer (objects the correlator keeps and extends). Recognition reads nothing but
 * the process view and the upload-target test, whose answer for a host name comes from the configuration
 * alone; for an IP literal it also reads DNS answers and the hints pushes teach (./destinations.ts
 * classifyIp), so an answer that asked about an IP-like host is not kept.
 */
import { type Recognition, recognizeProcess } from '../rules/index.js';
import type { ProcessView, UploadTargetTest } from '../rules/recognize.js';

/** Longer command lines (JVMs, inline scripts) are recognized every time: they are rarely repeated. */
const MAX_KEY_CHARS = 1024;
/** At most this many answers (~1–2 MB at the longest keys); all are dropped when full (cheap, rare). */
const MAX_ANSWERS = 1024;
const NULL_MARK = '\u0001';
/** Hosts made of hex digits, dots, colons and brackets only: IP literals (and some rare names) all are. */
const IP_LIKE = /^[[\]0-9a-f.:]*$/i;

/**
 * Answers kept for one args and binary, compared field by field; the oldest goes past this many. They differ by
 * truncation, argument count and, for an answer that read the parent, the parent's fields, and a CI node makes
 * new parents all day (`git fetch origin <sha>` over one remote: its helper's args and binary never change): one
 * unbounded list per args was scanned at every lookup, 10 µs a hit at 1,000 answers against 0.8 µs for the key
 * string it replaced (bench/children/first-sight.ts's profile does not show it: its stream has no such parents).
 */
const MAX_PER_FIELDS = 16;

/**
 * An answer kept, with the fields it was kept under besides the process's args and binary (the maps' keys,
 * where NULL_MARK stands for null: which of them was null), truncation and argument count, and, when the answer
 * read the parent, the parent's binary and args (`full`).
 */
interface Kept {
  nulls: number;
  argvTruncated: boolean;
  argvCount: number | null;
  full: boolean;
  parentBinary: string | null;
  parentArgs: string | null;
  answer: Recognition;
}

export class RecognitionMemo {
  /**
   * By the process's own args, then its binary (NULL_MARK: none), then compared field by field: a key string
   * made of every field was built, and flattened by the lookup, for every process recognized, a hit included:
   * ~280 bytes of garbage per new process, ~1.5 MB of the bench stream's first 20k events (docs/latency.md,
   * "First sight"). By binary too: many binaries run with one args (none, `--version`, per-build test binaries).
   */
  private readonly answers = new Map<string, Map<string, Kept[]>>();
  private kept = 0;
  private askedIpLike = false;
  private readParent = false;
  private readonly test: UploadTargetTest;

  constructor(isUploadTarget: UploadTargetTest) {
    this.test = (host, path) => {
      if (IP_LIKE.test(host)) this.askedIpLike = true;
      return isUploadTarget(host, path);
    };
  }

  get size(): number {
    return this.kept;
  }

  /**
   * Looked up first by the process's own fields: most answers never read the parent (only a transport
   * helper's does, `git-remote-https` under `git push`), and a container's first process has a parent whose
   * command line names the container (`containerd-shim … -id <64 hex>`), unique per container. An answer that
   * read the parent's fields is kept with them.
   */
  recognize(view: ProcessView): Recognition {
    const ownChars = (view.binary?.length ?? 0) + (view.args?.length ?? 0);
    if (ownChars > MAX_KEY_CHARS) return recognizeProcess(view, this.test);
    const withParent = ownChars + (view.parentBinary?.length ?? 0) + (view.parentArgs?.length ?? 0) <= MAX_KEY_CHARS;
    const list = this.answers.get(view.args ?? NULL_MARK)?.get(view.binary ?? NULL_MARK);
    if (list !== undefined) {
      const own = find(list, view, false);
      if (own !== undefined) return own.answer;
      const full = withParent ? find(list, view, true) : undefined;
      if (full !== undefined) return full.answer;
    }
    this.askedIpLike = false;
    this.readParent = false;
    const r = recognizeProcess(this.tracked(view), this.test);
    if (this.askedIpLike || (r !== null && r.kind !== 'download')) return r;
    if (this.readParent && !withParent) return r;
    if (this.kept >= MAX_ANSWERS) {
      this.answers.clear();
      this.kept = 0;
    }
    const kept: Kept = {
      nulls: nullsOf(view),
      argvTruncated: view.argvTruncated === true,
      argvCount: view.argvCount ?? null,
      full: this.readParent,
      parentBinary: this.readParent ? view.parentBinary : null,
      parentArgs: this.readParent ? view.parentArgs : null,
      answer: r,
    };
    const argsKey = view.args ?? NULL_MARK;
    let byBinary = this.answers.get(argsKey);
    if (byBinary === undefined) {
      byBinary = new Map();
      this.answers.set(argsKey, byBinary);
    }
    const binaryKey = view.binary ?? NULL_MARK;
    const into = byBinary.get(binaryKey);
    if (into === undefined) byBinary.set(binaryKey, [kept]);
    else {
      if (into.length >= MAX_PER_FIELDS) {
        into.shift();
        this.kept--;
      }
      into.push(kept);
    }
    this.kept++;
    return r;
  }

  /** The view, its parent's fields read through getters that note the read. */
  private tracked(view: ProcessView): ProcessView {
    const memo = this;
    return {
      binary: view.binary,
      args: view.args,
      get parentBinary() {
        memo.readParent = true;
        return view.parentBinary;
      },
      get parentArgs() {
        memo.readParent = true;
        return view.parentArgs;
      },
      argvTruncated: view.argvTruncated === true,
      argvCount: view.argvCount,
    };
  }
}

/** The answer kept for `view`'s fields (with its parent's when `full`), if any. */
function find(list: readonly Kept[], view: ProcessView, full: boolean): Kept | undefined {
  for (const k of list) {
    if (
      k.full === full &&
      k.nulls === nullsOf(view) &&
      k.argvTruncated === (view.argvTruncated === true) &&
      k.argvCount === (view.argvCount ?? null) &&
      (!full || (k.parentBinary === view.parentBinary && k.parentArgs === view.parentArgs))
    )
      return k;
  }
  return undefined;
}

/** Which of args (1) and binary (2) are null: the maps key both as NULL_MARK then. */
function nullsOf(view: ProcessView): number {
  return (view.args === null ? 1 : 0) | (view.binary === null ? 2 : 0);
}
