/**
 * Timeline → Falco JSON alert lines (`json_output: true`): top-level keys and `output_fields` in
 * alphabetical order like nlohmann::json prints them, `evt.time` an integer of nanoseconds (beyond 2^53,
 * so written as raw digits), `priority` capitalised, `container.id` 12 characters (`host` for host
 * processes), fields that cannot be extracted `null`. One rule per activity kind, as in
 * sensor-config/falco/exfilwatch_rules.yaml.
 */

import { nsToClock, nsToRfc3339 } from './time-format.js';
import type { Activity, SimProcess, SimSocket, Timeline } from './timeline.js';

/** Rule name, priority and tags per activity (kept in step with sensor-config/falco/). */
export const FALCO_SHAPES = {
  exec: { rule: 'exfilwatch exec', priority: 'Informational', tags: ['exfilwatch', 'process'], evtType: 'execve' },
  exit: { rule: 'exfilwatch process exit', priority: 'Debug', tags: ['exfilwatch', 'process'], evtType: 'procexit' },
  read: { rule: 'exfilwatch file read', priority: 'Debug', tags: ['exfilwatch', 'filesystem'], evtType: 'read' },
  connect: {
    rule: 'exfilwatch outbound connect',
    priority: 'Notice',
    tags: ['exfilwatch', 'network'],
    evtType: 'connect',
  },
  send: { rule: 'exfilwatch socket send', priority: 'Debug', tags: ['exfilwatch', 'network'], evtType: 'sendto' },
  close: { rule: 'exfilwatch socket close', priority: 'Debug', tags: ['exfilwatch', 'network'], evtType: 'close' },
} as const;

type Fields = Record<string, string | number | boolean | null>;
const NS_MARK = '\u0000ns:';

function splitImage(image: string | null): [string | null, string | null] {
  if (!image) return [null, null];
  const m = /^(.*?)(?::([^/:]+))?$/.exec(image)!;
  return [m[1]!, m[2] ?? null];
}

/** The container plugin prints pod labels as `key:value` pairs joined by commas. */
function labelList(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}:${v}`)
    .join(',');
}

function processFields(p: SimProcess): Fields {
  const c = p.container;
  const host = !c || c.host;
  const [repository, tag] = splitImage(host ? null : c.image);
  const parent = p.parent;
  return {
    'container.id': host ? 'host' : c.id!.slice(0, 12),
    'container.image.repository': repository,
    'container.image.tag': tag,
    'container.name': host ? 'host' : c.name,
    'k8s.ns.name': host ? null : c.namespace,
    'k8s.pod.labels': host || Object.keys(c.labels).length === 0 ? null : labelList(c.labels),
    'k8s.pod.name': host ? null : c.pod,
    'proc.cmdline': p.args ? `${p.comm} ${p.args}` : p.comm,
    'proc.exepath': p.binary,
    'proc.name': p.comm,
    'proc.pexepath': parent ? parent.binary : null,
    'proc.pcmdline': parent ? (parent.args ? `${parent.comm} ${parent.args}` : parent.comm) : null,
    'proc.pid': p.pid,
    'proc.pname': parent ? parent.comm : null,
    'proc.ppid': parent ? parent.pid : 0,
    'proc.vpid': p.containerPid ?? p.pid,
    'user.uid': p.uid,
  };
}

function socketFields(s: SimSocket): Fields {
  return {
    'fd.cip': s.saddr,
    'fd.cport': s.sport,
    'fd.l4proto': 'tcp',
    'fd.name': `${s.saddr}:${s.sport}->${s.daddr}:${s.dport}`,
    'fd.rip': s.daddr,
    'fd.rport': s.dport,
    'fd.sip': s.daddr,
    'fd.sport': s.dport,
    'fd.type': 'ipv4',
    'fd.typechar': '4',
  };
}

function text(a: Activity, f: Fields): string {
  const ids = `pid=${f['proc.pid']} cid=${f['container.id']} ns=${f['k8s.ns.name'] ?? '<NA>'} pod=${f['k8s.pod.name'] ?? '<NA>'}`;
  switch (a.type) {
    case 'exec':
      return `exec cmd=${f['proc.cmdline']} exe=${f['proc.exepath']} ppid=${f['proc.ppid']} parent=${f['proc.pname']} ${ids}`;
    case 'exit':
      return `exit proc=${f['proc.name']} status=${a.status} ${ids}`;
    case 'read':
      return `read bytes=${a.bytes} file=${a.path} proc=${f['proc.name']} ${ids}`;
    default:
      return `${a.type} conn=${f['fd.name']} bytes=${f['evt.rawres']} proc=${f['proc.name']} ${ids}`;
  }
}

/** One activity as a Falco JSON alert line. */
export function falcoLine(a: Activity): string {
  const shape = FALCO_SHAPES[a.type];
  const fields: Fields = { ...processFields(a.proc), 'evt.type': shape.evtType, 'evt.time': `${NS_MARK}${a.ns}` };
  switch (a.type) {
    case 'exec':
      fields['evt.rawres'] = 0;
      break;
    case 'exit':
      fields['evt.arg.ret'] = a.status;
      fields['evt.arg.sig'] = a.signal ?? 0;
      break;
    case 'read':
      Object.assign(fields, {
        'evt.rawres': a.bytes,
        'evt.arg.size': a.requested,
        'fd.name': a.path,
        'fd.type': 'file',
        'fd.typechar': 'f',
      });
      break;
    case 'connect':
      Object.assign(fields, socketFields(a.sock), { 'evt.rawres': 0 });
      break;
    case 'send':
      Object.assign(fields, socketFields(a.sock), { 'evt.rawres': a.bytes, 'evt.arg.size': a.bytes });
      break;
    case 'close':
      Object.assign(fields, socketFields(a.sock), { 'evt.rawres': 0 });
      break;
  }
  const sorted: Fields = {};
  for (const key of Object.keys(fields).sort()) sorted[key] = fields[key]!;
  const alert = {
    hostname: a.proc.node.name,
    output: `${nsToClock(a.ns)}: ${shape.priority} ${text(a, sorted)}`,
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
