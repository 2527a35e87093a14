/**
 * The sensor-neutral timeline a scenario expands to: simulated containers, processes and sockets, and
 * the activities (exec, read, connect, send, close, exit) between them, in nanoseconds. The Tetragon and
 * Falco renderers each turn one activity into one line of their own format, so both forms of a scenario
 * describe exactly the same activity.
 */

export interface SimNode {
  name: string;
  ip: string;
  /** Wall-clock ns at which the node booted: Tetragon exec ids carry ktime (ns since boot). */
  bootNs: bigint;
}

export interface SimContainer {
  ref: string;
  node: SimNode;
  /** True for a host process group (dockerd): no container, no pod. */
  host: boolean;
  /** 64 hex characters (null for host). */
  id: string | null;
  name: string | null;
  image: string | null;
  /** `registry/repo@sha256:…`. */
  imageId: string | null;
  namespace: string | null;
  pod: string | null;
  podUid: string | null;
  labels: Record<string, string>;
  workload: string | null;
  workloadKind: string | null;
  startNs: bigint;
  /** Pod IP (host: the node IP): source address of its sockets. */
  ip: string;
  /** Next pid inside the container's pid namespace. */
  nextContainerPid: number;
}

export interface SimProcess {
  ref: string;
  /** null for the synthetic host parents (containerd-shim, systemd) that are never emitted. */
  container: SimContainer | null;
  node: SimNode;
  pid: number;
  /** pid inside the container (1 = init); null on the host. */
  containerPid: number | null;
  execId: string;
  parent: SimProcess | null;
  binary: string;
  args: string;
  cwd: string;
  uid: number;
  startNs: bigint;
  /** Kernel comm: basename of the binary, cut at 15 characters (what Falco prints as proc.name). */
  comm: string;
  /** Descends from the container's pid 1 (false for `kubectl exec`-injected processes: Tetragon in_init_tree). */
  inInitTree: boolean;
  /** Started before the capture (Tetragon learned it from /proc): never emitted as an exec. */
  preexisting: boolean;
  exited: boolean;
}

export interface SimSocket {
  ref: string;
  /** Kernel socket address as a decimal uint64 string (beyond 2^53). */
  cookie: string;
  family: 'AF_INET';
  saddr: string;
  sport: number;
  daddr: string;
  dport: number;
  /** The host name the scenario connected to (documentation; the kernel only sees the IP). */
  host: string;
}

interface ActivityBase {
  /** Event time, ns since the epoch. */
  ns: bigint;
  /** When the sensor delivers it: `ns` plus the step's `late` (out-of-order delivery). */
  emitNs: bigint;
  /** Generation order, the tiebreak when two activities are emitted at the same instant. */
  seq: number;
  proc: SimProcess;
}

export type Activity =
  | (ActivityBase & { type: 'exec' })
  | (ActivityBase & { type: 'exit'; status: number; signal: string | null })
  | (ActivityBase & { type: 'read'; path: string; bytes: number; requested: number })
  /** A file mapped into memory for reading; `bytes` is its size. */
  | (ActivityBase & { type: 'map'; path: string; bytes: number })
  | (ActivityBase & { type: 'connect'; sock: SimSocket })
  | (ActivityBase & { type: 'send'; sock: SimSocket; bytes: number })
  | (ActivityBase & { type: 'close'; sock: SimSocket });

export interface Timeline {
  /** In delivery order (emitNs, then seq). */
  activities: Activity[];
  containers: SimContainer[];
  nodes: SimNode[];
}

/** Merges timelines (scenarios and background traffic) into one delivery order. */
export function mergeTimelines(parts: readonly Timeline[]): Timeline {
  const activities = parts.flatMap((p, i) => p.activities.map((a) => ({ a, i })));
  activities.sort((x, y) => cmpBig(x.a.emitNs, y.a.emitNs) || x.i - y.i || x.a.seq - y.a.seq);
  return {
    activities: activities.map((x) => x.a),
    containers: parts.flatMap((p) => p.containers),
    nodes: parts.flatMap((p) => p.nodes),
  };
}

export function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
