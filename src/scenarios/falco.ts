/**
 * Timeline → Falco JSON alert lines (`json_output: true`): top-level keys and `output_fields` in
 * alphabetical order like nlohmann::json prints them, `evt.time` an integer of nanoseconds (beyond 2^53,
 * so written as raw digits), `priority` capitalised, `container.id` 12 characters (`host` for host
 * processes), fields that cannot be extracted `null`. One rule per activity kind, printing the fields
 * its output template names, as in sensor-config/falco/exfilwatch_rules.yaml. Host processes (dockerd)
 * are rendered too: the shipped rules watch containers plus the container engines on the host.
 */

import { posix } from 'node:path';
import { FALCO_PROCESS_FIELDS } from '../formats/falco/needed-fields.js';
import { nsToClock, nsToRfc3339 } from './time-format.js';
import type { Activity, SimSocket, Timeline } from './timeline.js';

// The fields the normalizer reads (what the shipped rules print), `evt.type` placed by each shape itself.
const PROC: string[] = FALCO_PROCESS_FIELDS.filter((f) => f !== 'evt.type');
const FD = ['fd.name', 'fd.type'];
const SOCK = [...FD, 'fd.l4proto', 'fd.rip', 'fd.rport', 'fd.lip', 'fd.lport'];
const CONTAINER_NETWORK = ['container', 'network'];

/**
 * Rule name, priority, tags and the fields its output prints (in its order), as in
 * sensor-config/falco/exfilwatch_rules.yaml. Falco adds `evt.time` to output_fields itself.
 */
export const FALCO_SHAPES = {
  exec: {
    rule: 'exfilwatch exec in container',
    priority: 'Informational',
    tags: ['exfilwatch', 'container', 'process', 'mitre_exfiltration', 'T1567.001'],
    evtType: 'execve',
    fields: ['evt.type', 'evt.rawres', ...PROC, 'k8s.pod.labels', 'proc.exe', 'proc.cmdnargs', 'proc.cwd'],
  },
  exit: {
    rule: 'exfilwatch process exit in container',
    priority: 'Debug',
    tags: ['exfilwatch', 'container', 'process'],
    evtType: 'procexit',
    fields: ['evt.type', ...PROC, 'evt.arg.ret', 'evt.arg.sig'],
  },
  /** Falco sees no mmap: a mapped file is only the open before it. */
  map: {
    rule: 'exfilwatch file open read in container',
    priority: 'Debug',
    tags: ['exfilwatch', 'container', 'filesystem'],
    evtType: 'openat',
    fields: ['evt.type', 'evt.rawres', ...FD, ...PROC],
  },
  read: {
    rule: 'exfilwatch file bytes read in container',
    priority: 'Debug',
    tags: ['exfilwatch', 'container', 'filesystem'],
    evtType: 'read',
    fields: ['evt.type', 'evt.rawres', ...FD, ...PROC],
  },
  connect: {
    rule: 'exfilwatch outbound connect from container',
    priority: 'Notice',
    tags: ['exfilwatch', ...CONTAINER_NETWORK, 'mitre_exfiltration', 'T1567.001'],
    evtType: 'connect',
    fields: ['evt.type', 'evt.rawres', ...SOCK, ...PROC],
  },
  send: {
    rule: 'exfilwatch socket send from container',
    priority: 'Debug',
    tags: ['exfilwatch', ...CONTAINER_NETWORK],
    evtType: 'sendto',
    fields: ['evt.type', 'evt.rawres', ...SOCK, ...PROC],
  },
  close: {
    rule: 'exfilwatch socket close in container',
    priority: 'Debug',
    tags: ['exfilwatch', ...CONTAINER_NETWORK],
    evtType: 'close',
    fields: ['evt.type', 'evt.rawres', ...SOCK, ...PROC],
  },
} as const;

type Value = string | number | boolean | null;
type Fields = Record<string, Value>;
const NS_MARK = '\u0000ns:';

function splitImage(image: string | null): [string | null, string | null] {
  if (!image) return [null, null];
  const m = /^(.*?)(?::([^/:]+))?$/.exec(image)!;
  return [m[1]!, m[2] ?? null];
}

/**
 * argv[0] as a shell or git passes it: the name typed, which is the comm (a multi-call applet's `wget` under
 * /bin/busybox) unless the kernel cut the comm at 15 characters (`git-remote-http` of `git-remote-https`).
 */
function argv0Of(binary: string | null, comm: string): string {
  const name = binary === null ? comm : posix.basename(binary);
  return comm.length === 15 && name.startsWith(comm) ? name : comm;
}

/** Every field we can give for an activity; the rule's output picks its own. */
function allFields(a: Activity): Fields {
  const p = a.proc;
  const c = p.container;
  const host = !c || c.host;
  const [repository, tag] = splitImage(host ? null : c.image);
  const parent = p.parent;
  const f: Fields = {
    'evt.type': FALCO_SHAPES[a.type].evtType,
    'proc.pid': p.pid,
    'proc.ppid': parent ? parent.pid : 0,
    'proc.vpid': p.containerPid ?? p.pid,
    'proc.exepath': p.binary,
    'proc.exe': argv0Of(p.binary, p.comm),
    // The words the scenario's args string renders as in proc.cmdline (which keeps its quotes as written).
    'proc.cmdnargs': p.args ? p.args.split(' ').length : 0,
    'proc.cmdline': p.args ? `${p.comm} ${p.args}` : p.comm,
    // libsinsp keeps a thread's working directory with a trailing slash.
    'proc.cwd': p.cwd.endsWith('/') ? p.cwd : `${p.cwd}/`,
    'proc.pexepath': parent ? parent.binary : null,
    'proc.pcmdline': parent ? (parent.args ? `${parent.comm} ${parent.args}` : parent.comm) : null,
    'user.uid': p.uid,
    'container.id': host ? 'host' : c.id!.slice(0, 12),
    'container.name': host ? 'host' : c.name,
    'container.image.repository': repository,
    'container.image.tag': tag,
    'k8s.ns.name': host ? null : c.namespace,
    'k8s.pod.name': host ? null : c.pod,
    // Falco's `key:value,key2:value2`; a pod without labels prints none.
    'k8s.pod.labels':
      host || Object.keys(c.labels).length === 0
        ? null
        : Object.entries(c.labels)
            .map(([k, v]) => `${k}:${v}`)
            .join(','),
  };
  switch (a.type) {
    case 'exec':
      f['evt.rawres'] = 0;
      break;
    case 'exit':
      f['evt.arg.ret'] = a.status;
      f['evt.arg.sig'] = a.signal ?? 0;
      break;
    case 'read':
      Object.assign(f, { 'evt.rawres': a.bytes, 'fd.name': falcoPath(a.path), 'fd.type': 'file' });
      break;
    case 'map':
      Object.assign(f, { 'evt.rawres': 3, 'fd.name': falcoPath(a.path), 'fd.type': 'file' }); // the new fd
      break;
    default: {
      const s: SimSocket = a.sock;
      Object.assign(f, {
        'evt.rawres': a.type === 'send' ? a.bytes : 0,
        'fd.name': `${s.saddr}:${s.sport}->${s.daddr}:${s.dport}`,
        'fd.type': 'ipv4',
        'fd.l4proto': 'tcp',
        'fd.rip': s.daddr,
        'fd.rport': s.dport,
        'fd.lip': s.saddr,
        'fd.lport': s.sport,
      });
    }
  }
  return f;
}

/** One activity as a Falco JSON alert line. */
export function falcoLine(a: Activity): string {
  const shape = FALCO_SHAPES[a.type];
  const all = allFields(a);
  const picked: Fields = { 'evt.time': `${NS_MARK}${a.ns}` };
  for (const key of shape.fields) picked[key] = all[key] ?? null;
  // The output text is the rule's template rendered: `exfilwatch exec evt.type=execve …`, <NA> for nulls.
  const text = shape.fields.map((k) => `${k}=${picked[k] ?? '<NA>'}`).join(' ');
  const sorted: Fields = {};
  for (const key of Object.keys(picked).sort()) sorted[key] = picked[key]!;
  const alert = {
    hostname: a.proc.node.name,
    output: `${nsToClock(a.ns)}: ${shape.priority} exfilwatch ${a.type === 'map' ? 'open' : a.type} ${text}`,
    output_fields: sorted,
    priority: shape.priority,
    rule: shape.rule,
    source: 'syscall',
    tags: [...shape.tags].sort(),
    time: nsToRfc3339(a.ns),
  };
  // evt.time is an integer beyond 2^53: Falco writes the exact digits, so do we.
  return JSON.stringify(alert).replace(/"\\u0000ns:(\d+)"/, '$1');
}

export function renderFalco(timeline: Timeline): string[] {
  return timeline.activities.map(falcoLine);
}

/**
 * The path Falco names for a file the process opened as `path`: the text, `.` and `..` normalized as text
 * without following links (`/proc/self/cwd/../srv/x` is `/proc/self/srv/x`). The kernel's view is
 * tetragon.ts's.
 */
function falcoPath(path: string): string {
  return path.includes('/.') ? posix.normalize(path) : path;
}
