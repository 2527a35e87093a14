/**
 * A small synthetic Tetragon stream for the start-up warm-up: GetEventsResponse messages packed as the
 * ingest worker packs them (`[u32 big-endian length][message]…`), in the real stream's mix (reads of
 * files, sends on sockets, execs, exits, connects) over a few containers. Built from protojson objects
 * with the generated codec, once per start; nothing here is kept afterwards.
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

function hex64(n: number): string {
  return n.toString(16).padStart(8, '0').repeat(8);
}

function processJson(container: number, proc: number, startNs: bigint): Json {
  const id = hex64(container + 1);
  return {
    exec_id: Buffer.from(`${NODE}:${container}:${proc}`).toString('base64'),
    pid: 1000 + proc,
    uid: 1000,
    cwd: '/app',
    binary: proc === 0 ? '/bin/sh' : '/usr/bin/python3',
    arguments: proc === 0 ? '-c run' : `worker.py --shard ${container}`,
    flags: 'execve clone',
    start_time: epochNsToRfc3339(startNs),
    auid: 4294967295,
    pod: {
      namespace: `team-${container % 7}`,
      name: `app-${container}-7d9f8`,
      uid: `00000000-0000-0000-0000-${String(container).padStart(12, '0')}`,
      container: {
        id: `containerd://${id}`,
        name: 'app',
        image: { id: `registry.example/app@sha256:${id}`, name: `registry.example/app:${container % 5}` },
        start_time: epochNsToRfc3339(startNs - (startNs % 1_000_000_000n)),
        pid: proc + 1,
      },
      pod_labels: { app: `app-${container % 11}`, tier: 'backend' },
      workload: `app-${container}`,
      workload_kind: 'Deployment',
    },
    docker: id.slice(0, 31),
    ...(proc > 0 ? { parent_exec_id: Buffer.from(`${NODE}:${container}:0`).toString('base64') } : {}),
    tid: 1000 + proc,
    in_init_tree: proc === 0,
  };
}

function sock(container: number, i: number): Json {
  return {
    family: 'AF_INET',
    type: 'SOCK_STREAM',
    protocol: 'IPPROTO_TCP',
    saddr: `10.1.${container % 250}.${(container >> 8) + 2}`,
    daddr: i % 4 === 0 ? `140.82.${112 + (i % 3)}.${3 + (i % 50)}` : `10.96.${i % 40}.${i % 200}`,
    sport: 40000 + (i % 20000),
    dport: i % 4 === 0 ? 443 : 8080,
    cookie: String(1_000_000 + container * 64 + (i % 8)),
  };
}

function kprobe(process: Json, parent: Json, fn: string, policy: string, args: Json[], ret?: Json): Json {
  const k: Json = { process: { ...process, refcnt: 1 }, parent, function_name: fn, args };
  if (ret) k.return = ret;
  k.action = 'KPROBE_ACTION_POST';
  k.policy_name = policy;
  if (ret) k.return_action = 'KPROBE_ACTION_POST';
  return { process_kprobe: k };
}

/**
 * `count` messages over `containers` containers, starting at `startMs` of event time. Of every 30
 * messages: 2 execs, 1 exit, 6 sends, 1 connect, 20 reads (the bench workload's mix, which follows
 * what Tetragon's file and TCP policies emit on a busy node).
 */
export function syntheticTetragonStream(count: number, containers: number, startMs: number): SyntheticStream {
  const t0 = BigInt(Math.floor(startMs)) * 1_000_000n;
  const parts: Buffer[] = [];
  const ranges = new Uint32Array(count * 2);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const c = i % containers;
    const ns = t0 + BigInt(i) * EVENT_STEP_NS;
    const parent = processJson(c, 0, t0 - 60_000_000_000n);
    const proc = processJson(c, 1 + ((i >> 6) % 3), t0 - 1_000_000_000n);
    const slot = i % 30;
    let body: Json;
    if (slot < 2) body = { process_exec: { process: proc, parent } };
    else if (slot === 2) body = { process_exit: { process: proc, parent, status: i % 2, time: epochNsToRfc3339(ns) } };
    else if (slot < 9) {
      body = kprobe(proc, parent, 'tcp_sendmsg', 'exfilwatch-tcp', [
        { sock_arg: { ...sock(c, i), state: 'TCP_ESTABLISHED' } },
        { int_arg: 512 + ((i * 37) % 60_000) },
      ]);
    } else if (slot === 9) {
      body = kprobe(proc, parent, 'tcp_connect', 'exfilwatch-tcp', [
        { sock_arg: { ...sock(c, i), state: 'TCP_SYN_SENT' } },
      ]);
    } else {
      const bytes = 4096 + ((i * 7919) % 200_000);
      body = kprobe(
        proc,
        parent,
        'vfs_read',
        'exfilwatch-file-reads',
        [
          { file_arg: { path: `/app/data/part-${i % 97}.parquet`, permission: '-rw-r--r--' } },
          { size_arg: String(bytes) },
        ],
        { long_arg: String(bytes) },
      );
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
