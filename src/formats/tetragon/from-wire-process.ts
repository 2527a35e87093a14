/**
 * The wire normalizer's process side: `process`/`parent` with their pod, container and start time, and
 * the protobuf Timestamp reader the events share. Reads into the scratch records of wire-scratch.ts.
 */
import { type Proc, scratch, type Time } from './wire-scratch.js';

const { r, proc, parent } = scratch;

// sub/unknown run once per field; a copy per file, because calling them across a module boundary measured
// ~20% slower on the normalizer alone (bench of normalizeTetragonBytes over the samples).
/** End of a message that starts here (after its length prefix). */
function sub(): number {
  const len = r.uint32();
  return r.pos + len;
}

/** The loop tail every decoder shares: end-group or tag 0 ends the message, anything else is skipped. */
function unknown(tag: number): boolean {
  if ((tag & 7) === 4 || tag === 0) return true;
  r.skip(tag & 7);
  return false;
}

export function readTime(t: Time): void {
  const end = sub();
  t.set = true;
  t.seconds = 0;
  t.nanos = 0;
  t.big = null;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 8) {
      t.seconds = r.int64();
      t.big = Number.isSafeInteger(t.seconds) ? null : r.lastInt64Big();
    } else if (tag === 16) t.nanos = r.uint32() | 0;
    else if (unknown(tag)) break;
  }
}

/** A google.protobuf.UInt32Value: present → its value (0 when unset). */
function readUInt32Value(): number {
  const end = sub();
  let value = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 8) value = r.uint32();
    else if (unknown(tag)) break;
  }
  return value;
}

function readImageName(): string {
  const end = sub();
  let name = '';
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 18) name = r.string();
    else if (tag === 10) r.skip(2);
    else if (unknown(tag)) break;
  }
  return name;
}

function readContainer(p: Proc): void {
  const end = sub();
  p.containerSet = true;
  p.containerId = '';
  p.containerName = '';
  p.imageName = '';
  p.containerPid = undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) p.containerId = r.string();
    else if (tag === 18) p.containerName = r.string();
    else if (tag === 26) p.imageName = readImageName();
    else if (tag === 42) p.containerPid = readUInt32Value();
    else if (unknown(tag)) break;
  }
}

function readLabel(labels: Record<string, string>): void {
  const end = sub();
  let key = '';
  let value = '';
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) key = r.string();
    else if (tag === 18) value = r.string();
    else if (unknown(tag)) break;
  }
  labels[key] = value;
}

function readPod(p: Proc): void {
  const end = sub();
  p.podSet = true;
  p.namespace = '';
  p.podName = '';
  p.labels = {};
  p.containerSet = false;
  p.containerId = p.containerName = p.imageName = '';
  p.containerPid = undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) p.namespace = r.string();
    else if (tag === 18) p.podName = r.string();
    else if (tag === 34) readContainer(p);
    else if (tag === 42) readLabel(p.labels);
    else if (unknown(tag)) break;
  }
}

export function clearProc(p: Proc): void {
  p.set = false;
  p.execId = p.parentExecId = p.binary = p.args = p.cwd = p.docker = '';
  p.pid = p.uid = undefined;
  p.start.set = false;
  p.podSet = false;
  p.labels = null;
  p.containerSet = false;
  p.containerId = p.containerName = p.imageName = '';
  p.containerPid = undefined;
}

function readProcess(p: Proc, withCwd: boolean): void {
  const end = sub();
  clearProc(p);
  p.set = true;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 10:
        p.execId = r.string();
        continue;
      case 18:
        p.pid = readUInt32Value();
        continue;
      case 26:
        p.uid = readUInt32Value();
        continue;
      case 42:
        p.binary = r.string();
        continue;
      case 50:
        p.args = r.string();
        continue;
      case 34:
        if (withCwd) p.cwd = r.string();
        else r.skip(2);
        continue;
      case 66:
        readTime(p.start);
        continue;
      case 82:
        readPod(p);
        continue;
      case 90:
        p.docker = r.string();
        continue;
      case 98:
        p.parentExecId = r.string();
        continue;
    }
    if (unknown(tag)) break;
  }
}

/** The parent: only its binary and arguments are used (lineage evidence). */
function readParent(p: Proc): void {
  const end = sub();
  clearProc(p);
  p.set = true;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 42) p.binary = r.string();
    else if (tag === 50) p.args = r.string();
    else if (unknown(tag)) break;
  }
}

/**
 * Reads the fields of an event message's `process`/`parent`; false when the tag is neither. `withCwd`: the
 * event is an exec, whose working directory is kept (every other event skips it undecoded).
 */
export function processField(tag: number, withCwd: boolean): boolean {
  if (tag === 10) readProcess(proc, withCwd);
  else if (tag === 18) readParent(parent);
  else return false;
  return true;
}
