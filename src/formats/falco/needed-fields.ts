/**
 * The `output_fields` the Falco normalizer reads, by event family. Rules that should feed exfilwatch print
 * these (sensor-config/falco/exfilwatch_rules.yaml does; a test holds it to this list). `evt.time` is not
 * listed: Falco adds it to every alert itself (and the top-level `time` carries the same instant).
 */
export const FALCO_PROCESS_FIELDS = [
  'evt.type',
  'proc.pid',
  'proc.ppid',
  'proc.vpid',
  'proc.exepath',
  'proc.cmdline',
  'proc.pexepath',
  'proc.pcmdline',
  'user.uid',
  'container.id',
  'container.name',
  'container.image.repository',
  'container.image.tag',
  'k8s.ns.name',
  'k8s.pod.name',
] as const;

/**
 * Exec success is `evt.rawres = 0`; exits carry the exit code, and `thread.tid`: procexit fires for every
 * thread, and only the main thread's (tid = pid) is the process's end. Execs carry the pod's labels (the
 * allowlist's `podLabels`, the alert's `pod.labels`) and argv[0] (`proc.exe`, which `proc.cmdline` replaces
 * by the comm: counted to tell an argv cut at Falco's 4 KiB capture limit, `exec -a <4 KiB name> curl …`
 * included) and the argument count (`proc.cmdnargs`: `proc.cmdline` joins argv with spaces, so an argument holding
 * one reads as several words) and the working directory (`proc.cwd`: relative paths in the command line start
 * there): rare events, where they cost nothing per read or send.
 */
export const FALCO_EXEC_FIELDS = [
  ...FALCO_PROCESS_FIELDS,
  'evt.rawres',
  'k8s.pod.labels',
  'proc.exe',
  'proc.cmdnargs',
  'proc.cwd',
] as const;
export const FALCO_EXIT_FIELDS = [...FALCO_PROCESS_FIELDS, 'evt.arg.ret', 'evt.arg.sig', 'thread.tid'] as const;

/** open/read/write on files: the path, the fd kind, and the bytes returned (`evt.rawres`). */
export const FALCO_FILE_FIELDS = [...FALCO_PROCESS_FIELDS, 'evt.rawres', 'fd.name', 'fd.type'] as const;

/** connect/send/close on sockets: remote and local endpoints, protocol, and bytes sent. */
export const FALCO_NET_FIELDS = [
  ...FALCO_PROCESS_FIELDS,
  'evt.rawres',
  'fd.name',
  'fd.type',
  'fd.l4proto',
  'fd.rip',
  'fd.rport',
  'fd.lip',
  'fd.lport',
] as const;
