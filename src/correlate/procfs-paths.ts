/**
 * Paths as Falco names them that lead out of procfs. Falco reports the path a process passed to open(2),
 * normalized as text without following links, so a file opened through a process's root or working
 * directory link (`tar c /proc/self/root/srv/data`, or `/proc/1/root/…` from a debug container sharing the
 * pod's process namespace) is named under `/proc/`, which is not data. Tetragon resolves the file in the
 * kernel, so its paths never take these forms. The two lists below are in
 * sensor-config/falco/exfilwatch_rules.yaml too (a test holds them equal): the rules emit what they do not
 * name.
 */

/**
 * The entries of a process's directory in procfs (`/proc/<pid>/…`, `/proc/self/…`, and a thread's under
 * `task/<tid>/`), as Linux 6.x makes them. Any other name there is not procfs (see fileThroughProcLink).
 */
export const PROCFS_PID_ENTRIES: ReadonlySet<string> = new Set([
  'arch_status',
  'attr',
  'autogroup',
  'auxv',
  'cgroup',
  'children',
  'clear_refs',
  'cmdline',
  'comm',
  'coredump_filter',
  'cpu_resctrl_groups',
  'cpuset',
  'cwd',
  'environ',
  'exe',
  'fail-nth',
  'fd',
  'fdinfo',
  'gid_map',
  'io',
  'ksm_merging_pages',
  'ksm_stat',
  'latency',
  'limits',
  'loginuid',
  'make-it-fail',
  'map_files',
  'maps',
  'mem',
  'mountinfo',
  'mounts',
  'mountstats',
  'net',
  'ns',
  'numa_maps',
  'oom_adj',
  'oom_score',
  'oom_score_adj',
  'pagemap',
  'patch_state',
  'personality',
  'projid_map',
  'root',
  'sched',
  'schedstat',
  'seccomp_cache',
  'sessionid',
  'setgroups',
  'smaps',
  'smaps_rollup',
  'stack',
  'stack_depth',
  'stat',
  'statm',
  'status',
  'syscall',
  'task',
  'timens_offsets',
  'timers',
  'timerslack_ns',
  'uid_map',
  'wchan',
]);

/**
 * The names directly under `/proc/` besides the processes' directories (Linux 6.x, common drivers). Any
 * other name there with a path under it is not procfs (see fileThroughProcLink).
 */
export const PROCFS_TOP_ENTRIES: ReadonlySet<string> = new Set([
  'acpi',
  'allocinfo',
  'apm',
  'asound',
  'bc',
  'bootconfig',
  'buddyinfo',
  'bus',
  'cgroups',
  'cio_ignore',
  'cmdline',
  'config.gz',
  'consoles',
  'cpu',
  'cpuinfo',
  'crypto',
  'dasd',
  'device-tree',
  'devices',
  'diskstats',
  'dma',
  'dri',
  'driver',
  'dynamic_debug',
  'eeh',
  'execdomains',
  'fairsched',
  'fb',
  'filesystems',
  'fs',
  'i8k',
  'ide',
  'interrupts',
  'iomem',
  'ioports',
  'ipmi',
  'irq',
  'kallsyms',
  'kcore',
  'key-users',
  'keys',
  'kmsg',
  'kpagecgroup',
  'kpagecount',
  'kpageflags',
  'latency_stats',
  'loadavg',
  'lockdep',
  'lockdep_chains',
  'lockdep_stats',
  'locks',
  'mdstat',
  'meminfo',
  'misc',
  'modules',
  'mounts',
  'mpt',
  'mtd',
  'mtrr',
  'net',
  'nvram',
  'openprom',
  'pagetypeinfo',
  'partitions',
  'pmu',
  'powerpc',
  'pressure',
  'rtas',
  'rtc',
  's390dbf',
  'sched_debug',
  'schedstat',
  'scsi',
  'self',
  'service_levels',
  'sgi_uv',
  'slab_allocators',
  'slabinfo',
  'softirqs',
  'spl',
  'stat',
  'swaps',
  'sys',
  'sysinfo',
  'sysrq-trigger',
  'sysvipc',
  'thread-self',
  'timer_list',
  'timer_stats',
  'tty',
  'uptime',
  'user_beancounters',
  'version',
  'version_signature',
  'vmallocinfo',
  'vmstat',
  'vz',
  'xen',
  'zoneinfo',
]);

/**
 * A file reached through a procfs link, as Falco names it: the path inside the link (for a directory whose
 * place is unknown, as if it were `/`, flagged `cwd`: sensitive files are still sensitive, but nothing is
 * noise by a root-level prefix), or null when the path is not one.
 *
 * - `/proc/<pid>/root/…` (also `self`, `thread-self`, under `task/<tid>/`), and `/dev/root/…`, which is how
 *   Falco writes `/dev/fd/../root/…` (`/dev/fd` is `/proc/self/fd`): the file inside that root.
 * - `/proc/<pid>/cwd/…`, `/dev/cwd/…`: under a working directory.
 * - `/proc/<pid>/fd/<n>/…`, `/dev/fd/<n>/…`: under a directory a descriptor holds (`exec 3</srv/db`); and
 *   `/proc/<pid>/fd/<name>` that is no number: `..` after such a descriptor (`fd/3/../x`).
 * - `..` right after a link, which Falco's text normalization folds away: once (`/proc/self/cwd/../srv/x`
 *   is `/proc/self/srv/x`) it leaves a name procfs does not have in a process's directory, twice
 *   (`/proc/self/cwd/../../srv/x` is `/proc/srv/x`) one it does not have under `/proc/`: a file in the
 *   link's parent directories (`/proc/orders.parquet` too). Not handled: the same after a thread's link, `/dev/fd/../cwd/..` (`/dev/x`:
 *   /dev has no fixed list of names), and a symlink the attacker names like a procfs entry
 *   (`/proc/self/cwd/../net` with `net` linking to the data).
 */
export function fileThroughProcLink(path: string): { path: string; cwd: boolean } | null {
  let at: number;
  let inTask = false;
  if (path.startsWith('/proc/')) {
    at = componentEnd(path, 6); // the pid, `self` or `thread-self`
    const end = at < 0 ? path.length : at;
    if (end === 6) return null;
    if (!isProcessDir(path, 6, end)) {
      return PROCFS_TOP_ENTRIES.has(path.slice(6, end)) ? null : { path: path.slice(5), cwd: true };
    }
    if (at < 0) return null;
    if (path.startsWith('/task/', at)) {
      at = componentEnd(path, at + 6);
      if (at < 0) return null;
      inTask = true;
    }
  } else if (path.startsWith('/dev/')) {
    at = 4;
  } else {
    return null;
  }
  if (path.startsWith('/root/', at)) return { path: path.slice(at + 5), cwd: false };
  if (path.startsWith('/cwd/', at)) return { path: path.slice(at + 4), cwd: true };
  if (path.startsWith('/fd/', at)) {
    // Only descriptor numbers live there: another name is `..` after a descriptor (`fd/3/../x`).
    const c = path.charCodeAt(at + 4);
    if (!(c >= 48 && c <= 57)) return path.length > at + 4 ? { path: path.slice(at + 3), cwd: true } : null;
    const end = componentEnd(path, at + 4);
    return end < 0 ? null : { path: path.slice(end), cwd: true };
  }
  if (path.charCodeAt(1) === 112 /* p */ && !inTask) {
    const end = path.indexOf('/', at + 1);
    const name = path.slice(at + 1, end < 0 ? path.length : end);
    if (name !== '' && !PROCFS_PID_ENTRIES.has(name)) return { path: path.slice(at), cwd: true };
  }
  return null;
}

/** Is `path[from, to)` a process's directory name in procfs: a pid, `self` or `thread-self`? */
function isProcessDir(path: string, from: number, to: number): boolean {
  const c = path.charCodeAt(from);
  if (c >= 48 && c <= 57) {
    for (let i = from + 1; i < to; i++) {
      const d = path.charCodeAt(i);
      if (d < 48 || d > 57) return false;
    }
    return true;
  }
  if (to === from + 4) return path.startsWith('self', from);
  return to === from + 11 && path.startsWith('thread-self', from);
}

/** Where the path component starting at `from` ends (the index of its `/`), or -1 at the path's end. */
function componentEnd(path: string, from: number): number {
  const end = path.indexOf('/', from);
  return end > from ? end : -1;
}

/**
 * The file a path names once its process-root links are followed (`/proc/self/root/srv/x` is `/srv/x`), the
 * path itself when it has none: how Tetragon, which resolves files in the kernel, names what Falco names by
 * the text opened, so a file both sensors report is one distinct file. A working-directory link stops it
 * (the directory is unknown): such a path stays as reported.
 */
export function pathInsideRootLinks(path: string): string {
  let inside = path;
  // A loop, not recursion: a hostile path may nest the link thousands of times.
  for (;;) {
    const link = fileThroughProcLink(inside);
    if (link === null || link.cwd) return inside;
    inside = link.path;
  }
}
