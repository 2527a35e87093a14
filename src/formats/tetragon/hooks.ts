/**
 * What a hooked kernel function means, by NAME (never by argument position: Tetragon sends only the args a
 * policy declares, in declaration order). Each classification is computed once per function name and
 * cached: a node runs a handful of policies, so the map stays tiny.
 */

export const FileHook = {
  None: 0,
  /** read(2)-like: bytes = return value, else size argument. */
  Read: 1,
  /** write(2)-like: bytes = return value, else size argument. */
  Write: 2,
  /** open / fd_install: the file was opened, no size. */
  Open: 3,
  /** security_file_permission: direction from the int mask (MAY_WRITE 2, MAY_READ 4), no size. */
  Permission: 4,
  /** security_mmap_file: direction from prot (PROT_WRITE 2), no size. */
  Mmap: 5,
  /** truncate: a write without a size. */
  Truncate: 6,
} as const;
export type FileHook = (typeof FileHook)[keyof typeof FileHook];

export const NetHook = {
  None: 0,
  Connect: 1,
  /** tcp_sendmsg-like: bytes from the size argument (return value when the policy captured it). */
  Send: 2,
  Close: 3,
  /** Packet-level egress (ip_output): bytes = skb len. */
  SkbEgress: 4,
  /** __cgroup_bpf_run_filter_skb: egress only when its int argument is 1 (BPF_CGROUP_INET_EGRESS). */
  CgroupSkb: 5,
  /** LSM-style send check (security_socket_sendmsg): size argument only, its return is a verdict. */
  SendCheck: 6,
} as const;
export type NetHook = (typeof NetHook)[keyof typeof NetHook];

// Syscall wrappers are reported under their arch-specific symbol (`__x64_sys_read`); strip those prefixes.
const PREFIXES = ['__x64_', '__ia32_', '__arm64_', '__s390x_', '__riscv_', '__se_', '__do_'];

const FILE_HOOKS = new Map<string, FileHook>();
for (const n of [
  'sys_read',
  'ksys_read',
  'vfs_read',
  'sys_pread64',
  'ksys_pread64',
  'sys_readv',
  'vfs_readv',
  'do_readv',
  'sys_preadv',
  'sys_preadv2',
  'vfs_iter_read',
  'do_iter_read',
  'kernel_read',
  // In-kernel copies (sendfile, as Python's shutil uses it, and copy_file_range where the filesystem has no
  // copy of its own, as coreutils 9 `cp` uses it): bytes = return value, the file = the first file argument.
  'splice_direct_to_actor',
  'do_splice_direct',
  // A file spliced into a pipe (splice(2) from a file, sendfile(2) to a pipe).
  'splice_file_to_pipe',
  'vfs_copy_file_range',
]) {
  FILE_HOOKS.set(n, FileHook.Read);
}
for (const n of [
  'sys_write',
  'ksys_write',
  'vfs_write',
  'sys_pwrite64',
  'ksys_pwrite64',
  'sys_writev',
  'vfs_writev',
  'do_writev',
  'sys_pwritev',
  'sys_pwritev2',
  'vfs_iter_write',
  'do_iter_write',
  'kernel_write',
]) {
  FILE_HOOKS.set(n, FileHook.Write);
}
for (const n of ['security_file_open', 'file_open', 'fd_install', 'do_filp_open', 'vfs_open', 'do_dentry_open']) {
  FILE_HOOKS.set(n, FileHook.Open);
}
FILE_HOOKS.set('security_file_permission', FileHook.Permission);
FILE_HOOKS.set('file_permission', FileHook.Permission);
FILE_HOOKS.set('security_mmap_file', FileHook.Mmap);
FILE_HOOKS.set('mmap_file', FileHook.Mmap);
for (const n of [
  'security_path_truncate',
  'security_file_truncate',
  'path_truncate',
  'file_truncate',
  'do_truncate',
  'vfs_truncate',
]) {
  FILE_HOOKS.set(n, FileHook.Truncate);
}

const NET_HOOKS = new Map<string, NetHook>();
for (const n of [
  'tcp_connect',
  'tcp_v4_connect',
  'tcp_v6_connect',
  'security_socket_connect',
  'socket_connect',
  'sys_connect',
  '__sys_connect',
  'inet_stream_connect',
  'ip4_datagram_connect',
  'ip6_datagram_connect',
]) {
  NET_HOOKS.set(n, NetHook.Connect);
}
for (const n of [
  'tcp_sendmsg',
  'tcp_sendmsg_locked',
  'tcp_sendpage',
  // sendfile/splice into a TCP socket and kTLS before Linux 6.5 (exfilwatch-tcp.yaml): bytes from its size.
  'do_tcp_sendpages',
  'udp_sendmsg',
  'udpv6_sendmsg',
  'inet_sendmsg',
  'inet6_sendmsg',
  'sock_sendmsg',
  'sys_sendto',
  'sys_sendmsg',
  '__sys_sendto',
  '__sys_sendmsg',
]) {
  NET_HOOKS.set(n, NetHook.Send);
}
NET_HOOKS.set('security_socket_sendmsg', NetHook.SendCheck);
NET_HOOKS.set('socket_sendmsg', NetHook.SendCheck);
for (const n of ['tcp_close', 'inet_release', 'inet6_release', 'udp_destroy_sock']) NET_HOOKS.set(n, NetHook.Close);
for (const n of ['ip_output', 'ip6_output', 'ip_finish_output', 'ip_queue_xmit', 'ip6_xmit']) {
  NET_HOOKS.set(n, NetHook.SkbEgress);
}
NET_HOOKS.set('__cgroup_bpf_run_filter_skb', NetHook.CgroupSkb);

function baseName(fn: string): string {
  let name = fn;
  if (name.charCodeAt(0) === 95 /* _ */) {
    for (const p of PREFIXES) {
      if (name.startsWith(p)) {
        name = name.slice(p.length);
        break;
      }
    }
  }
  return name;
}

// Bounded: a hostile or buggy stream with endless distinct names must not grow memory.
const CACHE_LIMIT = 4096;
const fileCache = new Map<string, FileHook>();
const netCache = new Map<string, NetHook>();

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/** How a hook that carries a file/path argument is read. Unknown names fall back to read/write/open in the name. */
export function fileHookOf(fn: string): FileHook {
  const hit = fileCache.get(fn);
  if (hit !== undefined) return hit;
  const name = baseName(fn);
  let kind = FILE_HOOKS.get(name) ?? FILE_HOOKS.get(fn);
  if (kind === undefined) {
    if (name.includes('read')) kind = FileHook.Read;
    else if (name.includes('write')) kind = FileHook.Write;
    else if (name.includes('open')) kind = FileHook.Open;
    else kind = FileHook.None;
  }
  return remember(fileCache, fn, kind);
}

/** How a hook that carries a sock/sockaddr/skb argument is read. Unknown names fall back to connect/send/close. */
export function netHookOf(fn: string): NetHook {
  const hit = netCache.get(fn);
  if (hit !== undefined) return hit;
  const name = baseName(fn);
  let kind = NET_HOOKS.get(name) ?? NET_HOOKS.get(fn);
  if (kind === undefined) {
    if (name.includes('connect')) kind = NetHook.Connect;
    else if (name.includes('send')) kind = NetHook.Send;
    else if (name.includes('close') || name.includes('release')) kind = NetHook.Close;
    else kind = NetHook.None;
  }
  return remember(netCache, fn, kind);
}
