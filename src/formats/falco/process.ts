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

export function processOf(f: FalcoFields): ProcessRef {
  const cmdline = str(f, 'proc.cmdline');
  const pcmdline = str(f, 'proc.pcmdline');
  return {
    // Falco has no unique process ids: correlation keys on (container, pid) for Falco events.
    execId: null,
    parentExecId: null,
    pid: int(f, 'proc.pid'),
    ppid: int(f, 'proc.ppid'),
    binary: binaryOf(f, cmdline),
    args: cmdline !== null ? argsOf(cmdline) : str(f, 'proc.args'),
    parentBinary: str(f, 'proc.pexepath') ?? str(f, 'proc.pname') ?? firstWord(pcmdline),
    parentArgs: argsOf(pcmdline),
    uid: int(f, 'user.uid'),
    containerPid: int(f, 'proc.vpid'),
  };
}
