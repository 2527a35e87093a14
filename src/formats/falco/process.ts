/** The parts of a normalized event every Falco syscall event shares: node, container, pod, process. */
import type { ContainerRef, PodRef, ProcessRef } from '../../model/normalized-event.js';
import { argsOf, type FalcoFields, firstWord, int, podLabels, str } from './fields.js';

/** Falco's 12-char short id, kept as given; a runtime prefix (`containerd://`) is stripped if one appears. */
export function containerOf(f: FalcoFields): ContainerRef | null {
  let id = str(f, 'container.id');
  if (id === null || id === 'host') return null;
  const scheme = id.indexOf('://');
  if (scheme >= 0) id = id.slice(scheme + 3);
  if (id.length === 0) return null;
  const repo = str(f, 'container.image.repository');
  const tag = str(f, 'container.image.tag');
  const image = repo !== null ? (tag !== null ? `${repo}:${tag}` : repo) : str(f, 'container.image');
  return { id, name: str(f, 'container.name'), image };
}

export function podOf(f: FalcoFields): PodRef | null {
  const namespace = str(f, 'k8s.ns.name');
  const name = str(f, 'k8s.pod.name');
  if (namespace === null || name === null) return null;
  const labels = podLabels(f);
  return labels ? { namespace, name, labels } : { namespace, name };
}

/**
 * `proc.exepath` is the resolved executable path; `proc.name` is the kernel comm, cut at 15 characters
 * (`git-remote-https` shows as `git-remote-http`), so it is only a fallback, as is argv[0] (`proc.exe`).
 */
function binaryOf(f: FalcoFields, cmdline: string | null): string | null {
  return str(f, 'proc.exepath') ?? str(f, 'proc.exe') ?? str(f, 'proc.name') ?? firstWord(cmdline);
}

/**
 * Multi-call binaries (../../rules/launchers.ts MULTI_CALL). Run through an applet's link (`wget` → busybox, all
 * of Alpine's tools), `proc.exepath` is the resolved `/bin/busybox` and only the command line's first word,
 * the comm, names the applet: it is kept as the first argument, as if `busybox wget …` had been run (found by
 * review: `wget --post-file=… URL` in an Alpine pod was `busybox` with no applet under Falco).
 */
const MULTI_CALL_NAMES = ['busybox', 'toybox'];
const MULTI_CALL = new Set(MULTI_CALL_NAMES);
/** The last character every name shares (`x`), or -1 if a name added one day ends otherwise. */
const MULTI_CALL_LAST_CHAR = MULTI_CALL_NAMES.every((name) => name.endsWith('x')) ? 120 : -1;

/**
 * Whether a path's last component is a multi-call binary, without cutting it out: this runs for the process and
 * its parent of every Falco event, and the cut was two strings per event for nearly always nothing.
 */
function isMultiCallPath(path: string): boolean {
  // One character read rules out nearly every path before the endsWith calls (four per event: the process's and
  // the parent's path, two names each; ~1k instructions per event of StringPrototypeEndsWith under callgrind).
  if (MULTI_CALL_LAST_CHAR >= 0 && path.charCodeAt(path.length - 1) !== MULTI_CALL_LAST_CHAR) return false;
  for (const name of MULTI_CALL_NAMES) {
    if (path.endsWith(name) && (path.length === name.length || path.charCodeAt(path.length - name.length - 1) === 47))
      return true;
  }
  return false;
}

function argsOfProgram(binary: string | null, cmdline: string | null): string | null {
  if (cmdline === null) return null;
  if (binary !== null && isMultiCallPath(binary)) {
    const comm = firstWord(cmdline);
    if (comm !== null && !MULTI_CALL.has(comm)) return cmdline;
  }
  return argsOf(cmdline);
}

/**
 * Falco's drivers copy at most MAX_PROC_ARG_ENV (4096) bytes of the process's argv area: argv[0], its NUL, the
 * arguments with their NULs, the last byte of a cut copy made a NUL (kmod's `str_storage[args_len - 1] = 0`;
 * modern eBPF stores at most 4096 less argv[0]'s bytes). libsinsp joins what is left with spaces, so a cut
 * argv leaves `argv[0] + 1 + args` at 4095 bytes, and the cut falls anywhere, mid-argument too.
 */
const FALCO_ARGV_CAPTURE_BYTES = 4096;

/**
 * Whether `args` is what is left of an argv cut at the capture limit. argv[0] is not in the fields our rules
 * print unless a rule adds `proc.exe`: without it the longer of the executable's path and its comm stands in
 * (a shell passes the name as typed, no longer than the path it found), erring towards "cut".
 */
function argvCut(f: FalcoFields, args: string | null, binary: string | null, comm: string | null): boolean {
  if (args === null) return false;
  const argv0 = str(f, 'proc.exe');
  const argv0Bytes = argv0 !== null ? Buffer.byteLength(argv0) : Math.max(byteLen(binary), byteLen(comm));
  const needed = FALCO_ARGV_CAPTURE_BYTES - 1 - argv0Bytes - 1;
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most command lines are decided without counting bytes.
  if (args.length * 3 < needed) return false;
  return Buffer.byteLength(args) >= needed;
}

/**
 * Whether the argv may have reached the capture limit, from string lengths alone (UTF-8 takes at most 3 bytes
 * per UTF-16 unit; `text`, the cmdline, is at least as long as the args and the comm): false for nearly every event, so the exact
 * byte counts and a second cut of the args are paid only by the long ones. Every Falco event carries the
 * process fields, and the receiver's per-event budget is a few µs.
 */
function mayBeCut(f: FalcoFields, text: string, binary: string | null, commChars: number): boolean {
  const argv0 = str(f, 'proc.exe');
  const argv0Chars = argv0 !== null ? argv0.length : Math.max(binary?.length ?? 0, commChars);
  return (text.length + argv0Chars) * 3 >= FALCO_ARGV_CAPTURE_BYTES - 2;
}

function byteLen(text: string | null): number {
  return text === null ? 0 : Buffer.byteLength(text);
}

/**
 * The argument count (`proc.cmdnargs`, the size of the list libsinsp joins into `proc.args`) when `args` split at
 * its spaces gives other arguments: more words than arguments (one held a space), or as many words of which
 * some hold a quote, a tab or a newline, which tokenize() (../../rules/argv.ts) would take for quoting or a
 * separator where Falco had neither.
 */
function ambiguousArgCount(f: FalcoFields, args: string | null): number | null {
  const count = int(f, 'proc.cmdnargs');
  if (count === null || count < 1 || args === null) return null;
  let words = 1;
  for (let i = args.indexOf(' '); i >= 0; i = args.indexOf(' ', i + 1)) words++;
  // A tab or a newline splits a word for tokenize() as a space does, and Falco counts neither: `-c $'x=1\tcommit'`.
  if (words > count || (words === count && /['"\t\n]/.test(args))) return count;
  return null;
}

export function processOf(f: FalcoFields): ProcessRef {
  const cmdline = str(f, 'proc.cmdline');
  const pcmdline = str(f, 'proc.pcmdline');
  const binary = binaryOf(f, cmdline);
  const parentBinary = str(f, 'proc.pexepath') ?? str(f, 'proc.pname') ?? firstWord(pcmdline);
  const shown = cmdline !== null ? argsOfProgram(binary, cmdline) : str(f, 'proc.args');
  const ref: ProcessRef = {
    // Falco has no unique process ids: correlation keys on (container, pid) for Falco events.
    execId: null,
    parentExecId: null,
    pid: int(f, 'proc.pid'),
    ppid: int(f, 'proc.ppid'),
    binary,
    args: shown,
    parentBinary,
    parentArgs: argsOfProgram(parentBinary, pcmdline),
    uid: int(f, 'user.uid'),
    containerPid: int(f, 'proc.vpid'),
    // Printed by the exec rule only (needed-fields.ts).
    cwd: str(f, 'proc.cwd'),
  };
  const hasCount = f['proc.cmdnargs'] !== undefined && f['proc.cmdnargs'] !== null;
  const text = cmdline ?? shown;
  // The comm: the cmdline's first word (within `text`), else proc.name.
  const commChars = cmdline !== null ? 0 : (str(f, 'proc.name')?.length ?? 0);
  if (text === null || (!hasCount && !mayBeCut(f, text, binary, commChars))) return ref;
  const args = cmdline !== null ? argsOf(cmdline) : shown;
  if (argvCut(f, args, binary, firstWord(cmdline) ?? str(f, 'proc.name'))) ref.argvTruncated = true;
  const count = ambiguousArgCount(f, args);
  // A multi-call applet's args start with the comm (argsOfProgram): one more word than Falco counted.
  if (count !== null) ref.argvCount = shown === args ? count : count + 1;
  return ref;
}
