/**
 * The scratch state the wire normalizer's readers share (from-wire.ts, from-wire-process.ts,
 * from-wire-args.ts): one reader over the current message and reused records, so normalizing an event
 * allocates only what the NormalizedEvent keeps. Everything here is reset in place, never reassigned, so
 * each reader file can alias the records at module level.
 */
import { type ArgScan, newScan } from './build.js';
import { WireReader } from './wire.js';

export interface Time {
  set: boolean;
  seconds: number;
  nanos: number;
  /** Exact seconds when they are not a safe integer (protoTime reports them). */
  big: bigint | null;
}

export interface Proc {
  set: boolean;
  execId: string;
  parentExecId: string;
  pid: number | undefined;
  uid: number | undefined;
  binary: string;
  args: string;
  /** Read for execs only (the one event that uses it), else ''. */
  cwd: string;
  docker: string;
  start: Time;
  podSet: boolean;
  namespace: string;
  podName: string;
  labels: Record<string, string> | null;
  containerSet: boolean;
  containerId: string;
  containerName: string;
  imageName: string;
  containerPid: number | undefined;
}

export const newTime = (): Time => ({ set: false, seconds: 0, nanos: 0, big: null });
export function newProc(): Proc {
  return {
    set: false,
    execId: '',
    parentExecId: '',
    pid: undefined,
    uid: undefined,
    binary: '',
    args: '',
    cwd: '',
    docker: '',
    start: newTime(),
    podSet: false,
    namespace: '',
    podName: '',
    labels: null,
    containerSet: false,
    containerId: '',
    containerName: '',
    imageName: '',
    containerPid: undefined,
  };
}

export interface WireScratch {
  r: WireReader;
  scan: ArgScan;
  proc: Proc;
  parent: Proc;
  respTime: Time;
  innerTime: Time;
}

export const scratch: WireScratch = {
  r: new WireReader(new Uint8Array(0)),
  scan: newScan(),
  proc: newProc(),
  parent: newProc(),
  respTime: newTime(),
  innerTime: newTime(),
};
