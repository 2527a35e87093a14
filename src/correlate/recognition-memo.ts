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

export class RecognitionMemo {
  private readonly answers = new Map<string, Recognition>();
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
    return this.answers.size;
  }

  /**
   * Looked up first by the process's own command line: most answers never read the parent (only a transport
   * helper's does, `git-remote-https` under `git push`), and a container's first process has a parent whose
   * command line names the container (`containerd-shim … -id <64 hex>`), unique per container. An answer that
   * read the parent's fields is kept under both command lines.
   */
  recognize(view: ProcessView): Recognition {
    const own = ownKeyOf(view);
    if (own === null) return recognizeProcess(view, this.test);
    const ownAnswer = this.answers.get(own);
    if (ownAnswer !== undefined) return ownAnswer;
    const parentChars = (view.parentBinary?.length ?? 0) + (view.parentArgs?.length ?? 0);
    const full = own.length + parentChars <= MAX_KEY_CHARS ? fullKeyOf(own, view) : null;
    if (full !== null) {
      const fullAnswer = this.answers.get(full);
      if (fullAnswer !== undefined) return fullAnswer;
    }
    this.askedIpLike = false;
    this.readParent = false;
    const r = recognizeProcess(this.tracked(view), this.test);
    if (this.askedIpLike || (r !== null && r.kind !== 'download')) return r;
    const key = this.readParent ? full : own;
    if (key === null) return r;
    if (this.answers.size >= MAX_ANSWERS) this.answers.clear();
    this.answers.set(key, r);
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

/** Own fields only ('o' …); null when too long to keep. */
function ownKeyOf(v: ProcessView): string | null {
  if ((v.binary?.length ?? 0) + (v.args?.length ?? 0) > MAX_KEY_CHARS) return null;
  return `o${v.binary ?? NULL_MARK}\0${v.args ?? NULL_MARK}\0${v.argvTruncated === true ? 1 : 0}\0${v.argvCount ?? NULL_MARK}`;
}

/** Own and parent fields ('f' …). */
function fullKeyOf(own: string, v: ProcessView): string {
  return `f${own}\0${v.parentBinary ?? NULL_MARK}\0${v.parentArgs ?? NULL_MARK}`;
}
