/**
 * Activity → the NormalizedEvent the Tetragon normalizer makes of its export line, built directly (no
 * JSON rendering and parsing), so the memory run can push tens of millions of events through the
 * correlator in bench time. The memory child checks it against the real normalizer on a prefix of the
 * stream before it starts, so it cannot drift from what the pipeline really produces.
 */
import { lastTimeMs, protoTime } from '../../src/formats/tetragon/time.js';
import type { NormalizedEvent, ProcessRef } from '../../src/model/normalized-event.js';
import type { Activity, SimProcess } from '../../src/scenarios/timeline.js';

/** `exec`: only an exec carries the working directory (the Tetragon normalizers read it from execs alone). */
function processRef(p: SimProcess, exec: boolean): ProcessRef {
  const c = p.container;
  return {
    execId: p.execId,
    parentExecId: p.parent?.execId ?? null,
    pid: p.pid,
    binary: p.binary,
    args: p.args || null,
    uid: p.uid,
    parentBinary: p.parent?.binary ?? null,
    parentArgs: p.parent?.args || null,
    containerPid: c && !c.host ? p.containerPid : null,
    cwd: exec ? p.cwd || null : null,
  };
}

export function activityToEvent(a: Activity): NormalizedEvent {
  const time = protoTime(a.ns / 1_000_000_000n, Number(a.ns % 1_000_000_000n));
  const timeMs = lastTimeMs;
  const c = a.proc.container;
  const inPod = c !== null && !c.host;
  const head = {
    time,
    timeMs,
    source: 'tetragon' as const,
    node: a.proc.node.name,
    container: inPod ? { id: c.id!, name: c.name, image: c.image } : null,
    pod: inPod ? { namespace: c.namespace!, name: c.pod!, labels: c.labels } : null,
    process: processRef(a.proc, a.type === 'exec'),
  };
  switch (a.type) {
    case 'exec':
      return { kind: 'exec', ...head };
    case 'exit':
      return { kind: 'exit', ...head, exit: { status: a.status, signal: a.signal } };
    case 'read':
      return { kind: 'file', ...head, file: { path: a.path, op: 'read', bytes: a.bytes } };
    case 'map':
      return { kind: 'file', ...head, file: { path: a.path, op: 'map', bytes: a.bytes } };
    default: {
      const s = a.sock;
      const op = a.type;
      return {
        kind: 'net',
        ...head,
        net: {
          op,
          daddr: s.daddr,
          dport: s.dport,
          bytes: a.type === 'send' ? a.bytes : null,
          saddr: s.saddr,
          sport: s.sport,
          cookie: s.cookie,
          protocol: 'IPPROTO_TCP',
        },
      };
    }
  }
}
