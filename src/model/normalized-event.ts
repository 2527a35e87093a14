/**
 * The one event type every stage downstream of a normalizer sees (INTERFACES.md, "Normalized event").
 * Normalizers turn raw sensor events (Tetragon proto/JSON, Falco JSON/proto) into these; nothing after
 * them ever touches a raw proto or a free-form map.
 *
 * Values a sensor did not give are `null`, never guessed. 64-bit quantities that can exceed 2^53
 * (socket cookies) are decimal strings so they survive JSON and stay exact.
 */

export type SensorSource = 'tetragon' | 'falco';

export type EventKind = 'exec' | 'exit' | 'file' | 'net' | 'gap';

export interface ContainerRef {
  /** Bare hex id, runtime prefix (`containerd://`, `docker://`) stripped, as long as the sensor gave it. */
  id: string;
  name: string | null;
  /** Image name as `registry/repo:tag` where known. */
  image: string | null;
}

export interface PodRef {
  namespace: string;
  name: string;
  /** Pod labels where the sensor reports them (Tetragon `pod_labels`); used by allowlists only. */
  labels?: Record<string, string>;
}

export interface ProcessRef {
  /** Sensor-assigned unique process id (Tetragon exec_id). Falco has none: null. */
  execId: string | null;
  parentExecId: string | null;
  /** Host pid. */
  pid: number | null;
  /** Host pid of the parent, where the sensor gives it (Falco `proc.ppid`). */
  ppid?: number | null;
  /** Absolute path of the executable (Tetragon `binary`, Falco `proc.exepath`). */
  binary: string | null;
  /** Command-line arguments without argv[0], space-joined as the sensor reports them. Not yet redacted. */
  args: string | null;
  /** Parent's binary and args, where the sensor sent them with the event (lineage evidence). */
  parentBinary?: string | null;
  parentArgs?: string | null;
  uid?: number | null;
  /** pid inside the container's pid namespace (1 = the container's init). */
  containerPid?: number | null;
  /**
   * The working directory the process was started in (Tetragon `process.cwd`, Falco `proc.cwd`), on exec events
   * only: what relative paths in `args` are relative to (`cp token /workspace/` run in the token's directory).
   */
  cwd?: string | null;
  /**
   * The sensor cut the argument list at its capture limit (Falco: 4096 bytes of argv), so `args` is only its
   * start: what follows (a push's URL, its sub-command) is unknown. Set only when true.
   */
  argvTruncated?: boolean;
  /**
   * The number of arguments `args` holds (Falco `proc.cmdnargs`), given only when `args` cannot be split back
   * into them: Falco joins argv with spaces and quotes nothing, so an argument holding a space (or a quote)
   * reads as several words (`git -c "x=1 commit y" push URL` arrives as `-c x=1 commit y push URL`).
   */
  argvCount?: number;
}

/**
 * `map`: the file was mapped into memory for reading (mmap), as git reads files over 32 KiB and its packs;
 * `bytes` is then the file's size, and counts once per file in the correlation window (a file mapped again,
 * or in several pieces, was not read again).
 */
export type FileOp = 'open' | 'read' | 'write' | 'map';
export interface FileInfo {
  path: string;
  op: FileOp;
  /**
   * Bytes transferred by this call (read hook's return value, else its size argument); for `map`, the
   * file's size; null when unknown.
   */
  bytes: number | null;
}

export type NetOp = 'connect' | 'send' | 'close';
export interface NetInfo {
  op: NetOp;
  daddr: string | null;
  dport: number | null;
  /** Bytes requested to be sent by this call (tcp_sendmsg size); null for connect/close. */
  bytes: number | null;
  saddr?: string | null;
  sport?: number | null;
  /** Kernel socket cookie as a decimal string (uint64, beyond 2^53): joins connect, send and close. */
  cookie?: string | null;
  protocol?: string | null;
}

export interface ExitInfo {
  status: number | null;
  signal: string | null;
}

export interface GapInfo {
  /** How many events were lost: by us (queue full) or by the sensor (rate limit, throttling). */
  dropped: number;
  /**
   * Fixed set: `queue_full` | `disconnected` | `sensor_rate_limit` | `sensor_throttle` | `sensor_drop` (the
   * sensor's kernel buffers overflowed, e.g. Falco's "syscall event drop" alert).
   */
  reason: GapReason;
  /** Start of the period in which events may be missing (epoch ms), when known; else the marker's own time. */
  fromMs?: number;
}
export type GapReason = 'queue_full' | 'disconnected' | 'sensor_rate_limit' | 'sensor_throttle' | 'sensor_drop';

interface EventBase {
  /** RFC 3339 UTC with the sensor's precision kept (nanoseconds where given). */
  time: string;
  /** Same instant as epoch milliseconds (sub-ms fraction kept), for arithmetic on the hot path. */
  timeMs: number;
  source: SensorSource;
  node: string;
  container: ContainerRef | null;
  pod: PodRef | null;
  process: ProcessRef;
}

export interface ExecEvent extends EventBase {
  kind: 'exec';
}
export interface ExitEvent extends EventBase {
  kind: 'exit';
  exit: ExitInfo;
}
export interface FileEvent extends EventBase {
  kind: 'file';
  file: FileInfo;
}
export interface NetEvent extends EventBase {
  kind: 'net';
  net: NetInfo;
}
/**
 * Not sensor activity: a marker that events were lost at this point of the stream (ours or the sensor's).
 * The correlator marks alerts whose window spans a gap on the same node as `degraded`.
 */
export interface GapEvent {
  kind: 'gap';
  time: string;
  timeMs: number;
  source: SensorSource;
  node: string;
  gap: GapInfo;
}

export type ActivityEvent = ExecEvent | ExitEvent | FileEvent | NetEvent;
export type NormalizedEvent = ActivityEvent | GapEvent;

/**
 * A normalizer is pure: raw sensor event in, `NormalizedEvent` out, or `null` when the event is not one
 * exfilwatch uses (counted as ignored by the caller). Malformed input throws `DecodeError`.
 */
export type Normalizer<Raw> = (raw: Raw) => NormalizedEvent | null;
