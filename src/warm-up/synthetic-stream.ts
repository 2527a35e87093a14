/**
 * A small synthetic Tetragon stream for the start-up warm-up: GetEventsResponse messages packed as the
 * ingest worker packs them (`[u32 big-endian length][message]…`), in the real stream's mix (reads of
 * files, sends on sockets, execs, exits, connects, and a few host processes) over a few containers.
 * Built from protojson objects with the generated codec, once per start; nothing here is kept afterwards.
 *
 * The values have the ranges and forms a real node's have, not just the right fields, because V8 compiles
 * for what it has seen: a warm-up whose numbers all fit in 31 bits, say, has the code compiled for small
 * integers, and the first real socket cookie (a kernel address, beyond 2^63) throws it away in the stream's
 * first second — the opposite of what the warm-up is for (docs/latency.md, "A warm-up like a node's"). So:
 * socket cookies are kernel addresses, exec ids are Tetragon's `node:ktime:pid`, pod labels are the sets
 * Kubernetes controllers put on pods, a container's init process has the runtime shim outside the
 * container as its parent, and some events come from host processes with no pod at all.
 */
import { GetEventsResponse } from '../generated/tetragon/events.js';
import { epochNsToRfc3339 } from '../model/time.js';

type Json = Record<string, unknown>;

export interface SyntheticStream {
  /** The packed messages. */
  bytes: Buffer;
  /** [start, end) of each message in `bytes`. */
  ranges: Uint32Array;
  /** Event time between the first message and the last (ms). */
  spanMs: number;
}

const NODE = 'warm-up';
const EVENT_STEP_NS = 50_000n;
/** Boot time of the synthetic node: exec ids carry the process's start as nanoseconds since boot. */
const BOOT_NS = 1_699_000_000_000_000_000n;
/** Of every 30 messages, this one is a host process's read (no pod). */
const HOST_SLOT = 29;

/** `len` hex digits derived from `n` (container ids, image digests, hashes in names). */
export function hex(n: number, len: number): string {
  let s = '';
  for (let k = 0; s.length < len; k++) {
    s += ((Math.imul(n + 1, 2654435761) ^ Math.imul(k + 7, 40503)) >>> 0).toString(16).padStart(8, '0');
  }
  return s.slice(0, len);
}

const execId = (startNs: bigint, pid: number) => Buffer.from(`${NODE}:${startNs - BOOT_NS}:${pid}`).toString('base64');

/** The label sets Deployments, StatefulSets, DaemonSets and Jobs put on their pods. */
const CONTROLLERS: Array<{ kind: string; labels: (c: number) => Record<string, string> }> = [
  { kind: 'Deployment', labels: (c) => ({ app: `svc-${c % 13}`, 'pod-template-hash': hex(c, 10) }) },
  {
    kind: 'StatefulSet',
    labels: (c) => ({
      'app.kubernetes.io/name': `db-${c % 5}`,
      'controller-revision-hash': `db-${hex(c, 9)}`,
      'statefulset.kubernetes.io/pod-name': `db-${c % 5}-0`,
    }),
  },
  {
    kind: 'DaemonSet',
    labels: (c) => ({
      'app.kubernetes.io/name': `agent-${c % 3}`,
      'controller-revision-hash': hex(c, 10),
      'pod-template-generation': '3',
    }),
  },
  {
    kind: 'Job',
    labels: (c) => ({
      'batch.kubernetes.io/job-name': `job-${c}`,
      'controller-uid': `00000000-0000-4000-8000-${hex(c, 12)}`,
      'job-name': `job-${c}`,
    }),
  },
];

export const INIT_BINARIES = ['/usr/sbin/nginx', '/usr/local/bin/python3', '/app/server', '/bin/sh'];
export const CHILD_BINARIES = ['/bin/sh', '/usr/bin/curl', '/usr/bin/git'];

/** The container runtime's shim: the parent of a container's init process, itself outside the container. */
function shimProcess(container: number, startNs: bigint): Json {
  const pid = 20_000 + container * 17;
  return {
    exec_id: execId(startNs, pid),
    pid,
    uid: 0,
    cwd: '/run/containerd/io.containerd.runtime.v2.task/k8s.io',
    binary: '/usr/bin/containerd-shim-runc-v2',
    arguments: `-namespace k8s.io -id ${hex(container, 64)}`,
    flags: 'procFS auid',
    start_time: epochNsToRfc3339(startNs),
    auid: 4294967295,
    tid: pid,
  };
}

/** Process `proc` of a container: 0 is its init (parent: the shim), others children of the init. */
function containerProcess(container: number, proc: number, startNs: bigint, parent: Json): Json {
  const id = hex(container, 64);
  const controller = CONTROLLERS[container % CONTROLLERS.length]!;
  const pid = 30_000 + container * 131 + proc * 7;
  return {
    exec_id: execId(startNs, pid),
    pid,
    uid: [0, 101, 999, 1000][(container + proc) % 4],
    cwd: '/',
    binary: proc === 0 ? INIT_BINARIES[container % INIT_BINARIES.length] : CHILD_BINARIES[proc % CHILD_BINARIES.length],
    arguments: proc === 0 ? `-c /etc/app/${container % 9}.conf` : `-c check-${container % 5}`,
    flags: proc === 0 ? 'procFS auid rootcwd' : 'execve rootcwd clone',
    start_time: epochNsToRfc3339(startNs),
    auid: 4294967295,
    pod: {
      namespace: ['shop', 'payments', 'logging', 'batch', 'kube-system'][container % 5],
      name: `${controller.kind.toLowerCase()}-${container}-${hex(container, 5)}`,
      uid: `${hex(container, 8)}-${hex(container + 1, 4)}-4${hex(container + 2, 3)}-a${hex(container + 3, 3)}-${hex(container + 4, 12)}`,
      container: {
        id: `containerd://${id}`,
        name: `c${container % 3}`,
        image: {
          id: `registry.example/app-${container % 7}@sha256:${hex(container + 9, 64)}`,
          name: `registry.example/app-${container % 7}:1.${container % 4}`,
        },
        start_time: epochNsToRfc3339(startNs - (startNs % 1_000_000_000n)),
        pid: proc + 1,
      },
      pod_labels: controller.labels(container),
      workload: `w-${container}`,
      workload_kind: controller.kind,
    },
    docker: id.slice(0, 31),
    parent_exec_id: parent.exec_id,
    refcnt: 1,
    tid: pid,
    in_init_tree: proc === 0,
  };
}

function hostProcess(i: number, startNs: bigint): Json {
  const pid = 900 + (i % 5);
  return {
    exec_id: execId(startNs, pid),
    pid,
    uid: 0,
    cwd: '/',
    binary: ['/usr/bin/kubelet', '/usr/bin/containerd'][i % 2],
    arguments: '--config=/var/lib/kubelet/config.yaml',
    flags: 'procFS auid rootcwd',
    start_time: epochNsToRfc3339(startNs),
    auid: 4294967295,
    parent_exec_id: execId(BOOT_NS, 1),
    refcnt: 1,
    tid: pid,
  };
}

function sock(container: number, i: number): Json {
  const external = i % 4 === 0;
  return {
    family: 'AF_INET',
    type: 'SOCK_STREAM',
    protocol: 'IPPROTO_TCP',
    saddr: `10.244.${1 + (container >> 8)}.${container & 255}`,
    daddr: external ? `140.82.${112 + (i % 3)}.${3 + (i % 50)}` : `10.96.${i % 40}.${i % 200}`,
    sport: 32768 + ((container * 37 + i) % 28_000),
    dport: external ? 443 : [5432, 6379, 8080, 9200][i % 4],
    // The kernel's socket cookie: a kernel address (0xffff8…), so above 2^63, with all 64 bits in use.
    cookie: String(0xffff8a0000000000n | (BigInt(Math.imul(container * 8 + (i % 8) + 1, 2654435761) >>> 0) << 6n)),
  };
}

function kprobe(process: Json, parent: Json, fn: string, policy: string, args: Json[], ret?: Json): Json {
  const k: Json = { process, parent, function_name: fn, args };
  if (ret) k.return = ret;
  k.action = 'KPROBE_ACTION_POST';
  k.policy_name = policy;
  if (ret) k.return_action = 'KPROBE_ACTION_POST';
  return { process_kprobe: k };
}

function read(process: Json, parent: Json, path: string, requested: number, got: number): Json {
  return kprobe(
    process,
    parent,
    'vfs_read',
    'exfilwatch-file-reads',
    [{ file_arg: { path, permission: '-rw-r--r--' } }, { size_arg: String(requested) }],
    { long_arg: String(got) },
  );
}

/**
 * `count` messages over `containers` containers, starting at `startMs` of event time. Of every 30
 * messages: 2 execs, 1 exit, 6 sends, 1 connect, 19 reads in containers and 1 read by a host process
 * (the bench workload's mix, which follows what Tetragon's file and TCP policies emit on a busy node).
 */
export function syntheticTetragonStream(count: number, containers: number, startMs: number): SyntheticStream {
  const t0 = BigInt(Math.floor(startMs)) * 1_000_000n;
  const parts: Buffer[] = [];
  const ranges = new Uint32Array(count * 2);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const c = i % containers;
    const ns = t0 + BigInt(i) * EVENT_STEP_NS;
    const containerStartNs = t0 - BigInt(60 + (c % 3600)) * 1_000_000_000n;
    const shim = shimProcess(c, containerStartNs);
    const init = containerProcess(c, 0, containerStartNs + 150_000_000n, shim);
    const child = containerProcess(c, 1 + ((i >> 6) % 3), t0 - 1_000_000_000n, init);
    const slot = i % 30;
    let body: Json;
    if (slot === HOST_SLOT) {
      const path = `/var/lib/kubelet/pods/${hex(i % 50, 8)}/volumes/config`;
      body = read(hostProcess(i, t0 - 3_600_000_000_000n), hostProcess(i + 1, BOOT_NS), path, 4096, 4096);
    } else if (slot < 2) body = { process_exec: { process: child, parent: init } };
    else if (slot === 2)
      body = { process_exit: { process: child, parent: init, status: i % 2, time: epochNsToRfc3339(ns) } };
    else if (slot < 9) {
      body = kprobe(init, shim, 'tcp_sendmsg', 'exfilwatch-tcp', [
        { sock_arg: { ...sock(c, i), state: 'TCP_ESTABLISHED' } },
        { int_arg: 64 + ((i * 37) % 16_000) },
      ]);
    } else if (slot === 9) {
      body = kprobe(child, init, 'tcp_connect', 'exfilwatch-tcp', [
        { sock_arg: { ...sock(c, i), state: 'TCP_SYN_SENT' } },
      ]);
    } else {
      const requested = [4096, 16384, 65536, 131072][i % 4]!;
      const reader = i % 5 === 0 ? child : init;
      const path = `/srv/data/${c % 11}/part-${i % 97}.bin`;
      body = read(reader, reader === init ? shim : init, path, requested, 256 + ((i * 7919) % (requested - 256)));
    }
    const message = GetEventsResponse.encode(
      GetEventsResponse.fromJSON({ ...body, node_name: NODE, time: epochNsToRfc3339(ns) }),
    ).finish();
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32BE(message.length);
    parts.push(head, Buffer.from(message.buffer, message.byteOffset, message.length));
    ranges[i * 2] = pos + 4;
    ranges[i * 2 + 1] = pos + 4 + message.length;
    pos += 4 + message.length;
  }
  return { bytes: Buffer.concat(parts, pos), ranges, spanMs: Number((BigInt(count) * EVENT_STEP_NS) / 1_000_000n) };
}

/** Distinct messages in the start-up warm-up's stream, replayed in rounds with event time moved on (~280 KB). */
export const WARM_UP_STREAM_MESSAGES = 256;
const WARM_UP_STREAM_CONTAINERS = 64;
/** 2023-11-14T22:13:20Z: a fixed event time (the throwaway correlator judges by event time only). */
const WARM_UP_STREAM_START_MS = 1_700_000_000_000;

let lastWarmUpStream: WeakRef<SyntheticStream> | null = null;

/**
 * The start-up warm-up's Tetragon stream. The app's warm-up and the ingest worker's (tetragon-grpc) run at the same
 * time and use the same messages: the second caller gets the first's while that one still holds it, so
 * it is built once (~25-45 ms of main-thread CPU at start), and nothing keeps it after the warm-ups.
 */
export function sharedTetragonWarmUpStream(): SyntheticStream {
  const held = lastWarmUpStream?.deref();
  if (held !== undefined) return held;
  const stream = syntheticTetragonStream(WARM_UP_STREAM_MESSAGES, WARM_UP_STREAM_CONTAINERS, WARM_UP_STREAM_START_MS);
  lastWarmUpStream = new WeakRef(stream);
  return stream;
}

/** The same messages as gRPC length-prefixed frames (`[0][u32 length][message]…`): what an agent sends. */
export function asGrpcFrames(stream: SyntheticStream): Buffer {
  const count = stream.ranges.length / 2;
  const out = Buffer.alloc(stream.bytes.length + count);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const start = stream.ranges[i * 2]!;
    const end = stream.ranges[i * 2 + 1]!;
    out[pos] = 0;
    out.writeUInt32BE(end - start, pos + 1);
    stream.bytes.copy(out, pos + 5, start, end);
    pos += 5 + end - start;
  }
  return out;
}
