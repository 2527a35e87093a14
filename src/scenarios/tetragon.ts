/**
 * Timeline → Tetragon JSON export lines (protojson: snake_case proto names, 64-bit integers as strings,
 * wrappers unwrapped, zero values omitted, RFC 3339 times; fields in proto field-number order). Reads and
 * network activity are `process_kprobe` events shaped like the TracingPolicies in sensor-config/tetragon/.
 */

import { posix } from 'node:path';
import { nsToRfc3339 } from './time-format.js';
import type { Activity, SimProcess, SimSocket, Timeline } from './timeline.js';

/** The hooks and policy names the generated kprobe events carry (kept in step with sensor-config/tetragon/). */
export const TETRAGON_SHAPES = {
  read: { functionName: 'vfs_read', policyName: 'exfilwatch-file-reads' },
  map: { functionName: 'security_mmap_file', policyName: 'exfilwatch-file-maps' },
  connect: { functionName: 'tcp_connect', policyName: 'exfilwatch-tcp' },
  send: { functionName: 'tcp_sendmsg', policyName: 'exfilwatch-tcp' },
  close: { functionName: 'tcp_close', policyName: 'exfilwatch-tcp' },
} as const;

type Json = Record<string, unknown>;

function processJson(p: SimProcess, kprobe: boolean): Json {
  const c = p.container;
  const out: Json = {
    exec_id: p.execId,
    pid: p.pid,
    uid: p.uid,
    cwd: p.cwd,
    binary: p.binary,
  };
  if (p.args) out.arguments = p.args;
  const flags = p.preexisting ? ['procFS', 'auid'] : ['execve'];
  if (p.cwd === '/') flags.push('rootcwd');
  if (!p.preexisting) flags.push('clone');
  out.flags = flags.join(' ');
  out.start_time = nsToRfc3339(p.startNs);
  out.auid = 4294967295;
  if (c && !c.host) {
    const pod: Json = { namespace: c.namespace, name: c.pod, uid: c.podUid };
    pod.container = {
      id: `containerd://${c.id}`,
      name: c.name,
      image: { id: c.imageId, name: c.image },
      start_time: nsToRfc3339(c.startNs - (c.startNs % 1_000_000_000n)),
      pid: p.containerPid,
    };
    if (Object.keys(c.labels).length > 0) pod.pod_labels = c.labels;
    pod.workload = c.workload;
    pod.workload_kind = c.workloadKind;
    out.pod = pod;
    out.docker = c.id!.slice(0, 31);
  }
  if (p.parent) out.parent_exec_id = p.parent.execId;
  if (kprobe) out.refcnt = 1;
  out.tid = p.pid;
  if (c && !c.host) out.in_init_tree = p.inInitTree;
  return out;
}

/**
 * The path Tetragon reports for a file the process opened as `path`: the kernel has followed the links, so a
 * file opened through procfs (`/proc/self/root/srv/x`, `/proc/self/cwd/x`) is named where it is, in the mount
 * namespace it lives in. (Falco reports the text the process passed, see falco.ts.) A working-directory link
 * resolves with the opener's own directory: the simulation knows no other process's.
 */
function kernelPath(p: SimProcess, path: string): string {
  const link = /^\/proc\/[^/]+(?:\/task\/[^/]+)?\/(root|cwd)(\/.*)$/.exec(path);
  if (!link) return path;
  // `..` after the link climbs from where the link points (the root's parent is the root itself).
  return posix.normalize(link[1] === 'root' ? link[2]! : `${p.cwd.replace(/\/$/, '')}${link[2]!}`);
}

function sockJson(s: SimSocket, state: string): Json {
  return {
    family: s.family,
    type: 'SOCK_STREAM',
    protocol: 'IPPROTO_TCP',
    saddr: s.saddr,
    daddr: s.daddr,
    sport: s.sport,
    dport: s.dport,
    cookie: s.cookie,
    state,
  };
}

function kprobe(a: Activity, shape: { functionName: string; policyName: string }, args: Json[], ret?: Json): Json {
  const k: Json = { process: processJson(a.proc, true) };
  if (a.proc.parent) k.parent = processJson(a.proc.parent, false);
  k.function_name = shape.functionName;
  k.args = args;
  if (ret) k.return = ret;
  k.action = 'KPROBE_ACTION_POST';
  k.policy_name = shape.policyName;
  if (ret) k.return_action = 'KPROBE_ACTION_POST';
  return { process_kprobe: k };
}

/** One activity as a Tetragon `GetEventsResponse` JSON object. */
export function tetragonEvent(a: Activity): Json {
  let body: Json;
  switch (a.type) {
    case 'exec': {
      const e: Json = { process: processJson(a.proc, false) };
      if (a.proc.parent) e.parent = processJson(a.proc.parent, false);
      body = { process_exec: e };
      break;
    }
    case 'exit': {
      const e: Json = { process: processJson(a.proc, false) };
      if (a.proc.parent) e.parent = processJson(a.proc.parent, false);
      if (a.signal) e.signal = a.signal;
      if (a.status !== 0) e.status = a.status;
      e.time = nsToRfc3339(a.ns);
      body = { process_exit: e };
      break;
    }
    case 'read':
      body = kprobe(
        a,
        TETRAGON_SHAPES.read,
        [
          { file_arg: { path: kernelPath(a.proc, a.path), permission: '-rw-r--r--' } },
          { size_arg: String(a.requested) },
        ],
        { long_arg: String(a.bytes) },
      );
      break;
    case 'map':
      // As the policy declares it: the file, prot (PROT_READ) and the file's size resolved from its inode.
      body = kprobe(
        a,
        TETRAGON_SHAPES.map,
        [
          { file_arg: { path: kernelPath(a.proc, a.path), permission: '-rw-r--r--' } },
          { uint_arg: 1, label: 'prot' },
          { long_arg: String(a.bytes), label: 'size' },
        ],
        { int_arg: 0 },
      );
      break;
    case 'connect':
      body = kprobe(a, TETRAGON_SHAPES.connect, [{ sock_arg: sockJson(a.sock, 'TCP_SYN_SENT') }]);
      break;
    case 'send':
      body = kprobe(a, TETRAGON_SHAPES.send, [
        { sock_arg: sockJson(a.sock, 'TCP_ESTABLISHED') },
        { int_arg: Math.min(a.bytes, 2_147_483_647) },
      ]);
      break;
    case 'close':
      body = kprobe(a, TETRAGON_SHAPES.close, [{ sock_arg: sockJson(a.sock, 'TCP_ESTABLISHED') }]);
      break;
  }
  return { ...body, node_name: a.proc.node.name, time: nsToRfc3339(a.ns) };
}

/** The whole timeline as JSON lines (no trailing newline per line). */
export function renderTetragon(timeline: Timeline): string[] {
  return timeline.activities.map((a) => JSON.stringify(tetragonEvent(a)));
}
