/**
 * A small synthetic Falco stream for the start-up warm-up: http_output bodies (one JSON alert each, as Falco
 * posts them), rendered by the scenarios' Falco renderer (field set and order of the shipped rules, evt.time as
 * raw nanosecond digits beyond 2^53), in the Tetragon warm-up stream's mix over a few containers.
 *
 * As for Tetragon's (synthetic-stream.ts), the values have a real node's ranges and forms, not just the right
 * fields, because V8 compiles for what it has seen: Falco keys processes by pid, so pids are a node's (up to
 * 4M, a container's init with the runtime shim as its parent), container ids are 12 hex characters, pod labels
 * are the sets Kubernetes controllers put on pods, and some alerts come from host processes (`host`).
 */
import { falcoLine } from '../scenarios/falco.js';
import type { Activity, SimContainer, SimNode, SimProcess, SimSocket } from '../scenarios/timeline.js';
import { CHILD_BINARIES, hex, INIT_BINARIES } from './synthetic-stream.js';

export interface SyntheticFalcoStream {
  /** One http_output body per alert. */
  bodies: string[];
  /** Event time between the first alert and the last (ms). */
  spanMs: number;
}

const EVENT_STEP_NS = 50_000n;
/** Of every 30 alerts, this one is a host process's read (no pod). */
const HOST_SLOT = 29;

/** The label sets Deployments, StatefulSets, DaemonSets and Jobs put on their pods. */
const LABELS: Array<(c: number) => Record<string, string>> = [
  (c) => ({ app: `svc-${c % 13}`, 'pod-template-hash': hex(c, 10) }),
  (c) => ({
    'app.kubernetes.io/name': `db-${c % 5}`,
    'controller-revision-hash': `db-${hex(c, 9)}`,
    'statefulset.kubernetes.io/pod-name': `db-${c % 5}-0`,
  }),
  (c) => ({ 'app.kubernetes.io/name': `agent-${c % 3}`, 'controller-revision-hash': hex(c, 10) }),
  (c) => ({ 'batch.kubernetes.io/job-name': `job-${c}`, 'job-name': `job-${c}` }),
];
const comm = (binary: string) => binary.slice(binary.lastIndexOf('/') + 1).slice(0, 15);

function container(node: SimNode, c: number, startNs: bigint): SimContainer {
  return {
    ref: `c${c}`,
    node,
    host: false,
    id: hex(c, 64),
    name: `c${c % 3}`,
    image: `registry.example/app-${c % 7}:1.${c % 4}`,
    imageId: `registry.example/app-${c % 7}@sha256:${hex(c + 9, 64)}`,
    namespace: ['shop', 'payments', 'logging', 'batch', 'kube-system'][c % 5]!,
    pod: `w-${c}-${hex(c, 5)}`,
    podUid: null,
    labels: LABELS[c % LABELS.length]!(c),
    workload: `w-${c}`,
    workloadKind: null,
    startNs,
    ip: `10.244.${1 + (c >> 8)}.${c & 255}`,
    nextContainerPid: 1,
  };
}

function process(
  node: SimNode,
  owner: SimContainer | null,
  pid: number,
  parent: SimProcess | null,
  binary: string,
  args: string,
  startNs: bigint,
): SimProcess {
  return {
    ref: `p${pid}`,
    container: owner,
    node,
    pid,
    containerPid: owner ? (parent?.container === owner ? 7 + (pid % 50) : 1) : null,
    execId: '',
    parent,
    binary,
    args,
    cwd: '/',
    uid: [0, 101, 999, 1000][pid % 4]!,
    startNs,
    comm: comm(binary),
    inInitTree: true,
    preexisting: false,
    exited: false,
  };
}

function socket(c: number, i: number, saddr: string): SimSocket {
  const external = i % 4 === 0;
  return {
    ref: `s${i}`,
    cookie: '0',
    family: 'AF_INET',
    saddr,
    sport: 32768 + ((c * 37 + i) % 28_000),
    daddr: external ? `140.82.${112 + (i % 3)}.${3 + (i % 50)}` : `10.96.${i % 40}.${i % 200}`,
    dport: external ? 443 : [5432, 6379, 8080, 9200][i % 4]!,
    host: '',
  };
}

/**
 * `count` alerts over `containers` containers, starting at `startMs` of event time. Of every 30: 2 execs,
 * 1 exit, 5 sends, 1 connect, 1 socket close, 19 reads in containers and 1 read by a host process.
 */
export function syntheticFalcoStream(count: number, containers: number, startMs: number): SyntheticFalcoStream {
  const t0 = BigInt(Math.floor(startMs)) * 1_000_000n;
  const node: SimNode = { name: 'warm-up', ip: '10.0.0.10', bootNs: t0 - 86_400_000_000_000n };
  const bodies: string[] = [];
  const hostContainer: SimContainer = { ...container(node, 0, node.bootNs), host: true, id: null, labels: {} };
  const shimParent = process(node, null, 1, null, '/usr/lib/systemd/systemd', '', node.bootNs);
  for (let i = 0; i < count; i++) {
    const c = i % containers;
    const ns = t0 + BigInt(i) * EVENT_STEP_NS;
    const startNs = t0 - BigInt(60 + (c % 3600)) * 1_000_000_000n;
    const box = container(node, c, startNs);
    // pids as a busy node's: up to /proc/sys/kernel/pid_max's 4194304 default on 64-bit.
    const shim = process(
      node,
      null,
      20_000 + c * 17,
      shimParent,
      '/usr/bin/containerd-shim-runc-v2',
      `-id ${box.id}`,
      startNs,
    );
    const init = process(
      node,
      box,
      1_000_000 + c * 40_961,
      shim,
      INIT_BINARIES[c % INIT_BINARIES.length]!,
      '-c /etc/app.conf',
      startNs,
    );
    const k = 1 + ((i >> 6) % 3);
    const child = process(
      node,
      box,
      init.pid + k * 7,
      init,
      CHILD_BINARIES[k % CHILD_BINARIES.length]!,
      `-c check-${c % 5}`,
      t0 - 1_000_000_000n,
    );
    const base = { ns, emitNs: ns, seq: i };
    const slot = i % 30;
    let a: Activity;
    if (slot === HOST_SLOT) {
      const kubelet = process(
        node,
        hostContainer,
        900 + (i % 5),
        shimParent,
        '/usr/bin/kubelet',
        '--config=/var/lib/kubelet/config.yaml',
        node.bootNs,
      );
      a = {
        ...base,
        type: 'read',
        proc: kubelet,
        path: `/var/lib/kubelet/pods/${hex(i % 50, 8)}/volumes/config`,
        bytes: 4096,
        requested: 4096,
      };
    } else if (slot < 2) a = { ...base, type: 'exec', proc: child };
    else if (slot === 2) a = { ...base, type: 'exit', proc: child, status: i % 2, signal: null };
    else if (slot < 8)
      a = { ...base, type: 'send', proc: init, sock: socket(c, i, box.ip), bytes: 64 + ((i * 37) % 16_000) };
    else if (slot === 8) a = { ...base, type: 'close', proc: init, sock: socket(c, i, box.ip) };
    else if (slot === 9) a = { ...base, type: 'connect', proc: child, sock: socket(c, i, box.ip) };
    else {
      const requested = [4096, 16384, 65536, 131072][i % 4]!;
      const path = `/srv/data/${c % 11}/part-${i % 97}.bin`;
      a = {
        ...base,
        type: 'read',
        proc: i % 5 === 0 ? child : init,
        path,
        bytes: 256 + ((i * 7919) % (requested - 256)),
        requested,
      };
    }
    bodies.push(falcoLine(a));
  }
  return { bodies, spanMs: Number((BigInt(count) * EVENT_STEP_NS) / 1_000_000n) };
}

/** Distinct alerts in the start-up warm-up's Falco stream, replayed in rounds with event time moved on. */
export const WARM_UP_FALCO_ALERTS = 256;
