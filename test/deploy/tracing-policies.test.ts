/**
 * The TracingPolicies in sensor-config/tetragon: structure, argument types against the kernel prototypes,
 * and Tetragon's selector limits (facts: shared/reference/tetragon-api.md §7). That the normalizer
 * understands the event each hook emits is tracing-policy-events.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { shapeProblems, tracingPolicyShape } from './shape.js';
import { type Any, ARG_JSON_KEY, kprobes, policies } from './tracing-policy-files.js';

/** Kernel prototypes of the hooked functions: which Tetragon types fit each parameter. */
const SIGNATURES: Record<string, { params: Record<number, string[]>; ret?: string[] }> = {
  // ssize_t vfs_read(struct file *file, char __user *buf, size_t count, loff_t *pos)
  vfs_read: { params: { 0: ['file'], 2: ['size_t', 'uint64', 'ulong'] }, ret: ['long', 'int64', 'sint64'] },
  // int security_mmap_file(struct file *file, unsigned long prot, unsigned long flags); arg 0 again for i_size
  security_mmap_file: { params: { 0: ['file', 'int64'], 1: ['uint32', 'uint64'] } },
  // ssize_t splice_direct_to_actor(struct file *in, struct splice_desc *sd, splice_direct_actor *actor)
  splice_direct_to_actor: { params: { 0: ['file'] }, ret: ['long', 'int64', 'sint64'] },
  // long splice_file_to_pipe(struct file *in, struct pipe_inode_info *opipe, loff_t *offset, size_t len, unsigned int flags)
  splice_file_to_pipe: { params: { 0: ['file'] }, ret: ['long', 'int64', 'sint64'] },
  // ssize_t vfs_readv(struct file *file, const struct iovec __user *vec, unsigned long vlen, loff_t *pos, rwf_t flags)
  vfs_readv: { params: { 0: ['file'] }, ret: ['long', 'int64', 'sint64'] },
  // int tcp_connect(struct sock *sk)
  tcp_connect: { params: { 0: ['sock'] } },
  // int tcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
  tcp_sendmsg: { params: { 0: ['sock'], 2: ['int', 'size_t', 'uint64'] } },
  // void tcp_close(struct sock *sk, long timeout)
  tcp_close: { params: { 0: ['sock'] } },
  // ssize_t do_tcp_sendpages(struct sock *sk, struct page *page, int offset, size_t size, int flags) (< 6.5)
  do_tcp_sendpages: { params: { 0: ['sock'], 3: ['size_t', 'uint64'] } },
};

const STRING_OPS = ['Equal', 'NotEqual', 'Prefix', 'NotPrefix', 'Postfix', 'NotPostfix'];
const SOCK_OPS = [
  'SAddr',
  'DAddr',
  'NotSAddr',
  'NotDAddr',
  'SPort',
  'DPort',
  'NotSPort',
  'NotDPort',
  'Protocol',
  'Family',
  'State',
];
const NUMBER_OPS = ['Equal', 'NotEqual', 'GT', 'LT', 'Mask', 'InMap', 'NotInMap', 'InRange', 'NotInRange'];
function operatorsFor(type: string): string[] {
  const key = ARG_JSON_KEY[type];
  if (key === 'file_arg' || key === 'path_arg' || key === 'string_arg') return STRING_OPS;
  if (key === 'sock_arg' || key === 'skb_arg') return SOCK_OPS;
  return NUMBER_OPS;
}
const NAMESPACES = ['Uts', 'Ipc', 'Mnt', 'Pid', 'PidForChildren', 'Net', 'Time', 'TimeForChildren', 'Cgroup', 'User'];

describe('Tetragon TracingPolicies (sensor-config/tetragon)', () => {
  it('are cluster-scoped cilium.io/v1alpha1 TracingPolicies with only known fields', () => {
    expect(policies.length).toBeGreaterThanOrEqual(2);
    for (const { file, doc } of policies) {
      expect(doc.apiVersion, file).toBe('cilium.io/v1alpha1');
      expect(doc.kind, file).toBe('TracingPolicy');
      expect(doc.metadata.name, file).toMatch(/^exfilwatch-[a-z-]+$/);
      expect(shapeProblems(doc, tracingPolicyShape), file).toEqual([]);
    }
  });

  it('hook exactly the calls exfilwatch needs: reads with a byte count, and TCP connect/send/close', () => {
    expect(kprobes.map(({ k }) => k.call).sort()).toEqual([
      'do_tcp_sendpages',
      'security_mmap_file',
      'splice_direct_to_actor',
      'splice_file_to_pipe',
      'tcp_close',
      'tcp_connect',
      'tcp_sendmsg',
      'vfs_read',
      'vfs_readv',
    ]);
    for (const { k } of kprobes) expect(k.syscall, k.call).toBe(false);
  });

  it('declare argument types that Tetragon knows and that fit the kernel prototypes', () => {
    for (const { k } of kprobes) {
      const sig = SIGNATURES[k.call as string];
      expect(sig, k.call).toBeDefined();
      // A kernel argument listed again is one of its fields (`resolve`), after the plain arguments.
      const plain = (k.args as Any[]).filter((a) => a.resolve === undefined).map((a) => a.index);
      expect(plain, `${k.call}: args sorted by index, no duplicates`).toEqual([...new Set(plain)].sort());
      const firstResolved = (k.args as Any[]).findIndex((a) => a.resolve !== undefined);
      if (firstResolved >= 0) expect(firstResolved, `${k.call}: resolved args last`).toBe(plain.length);
      for (const a of k.args as Any[]) {
        expect(ARG_JSON_KEY[a.type], `${k.call} arg ${a.index} type ${a.type}`).toBeDefined();
        expect(sig?.params[a.index], `${k.call} arg ${a.index}`).toContain(a.type);
      }
      if (k.returnArg) {
        expect(k.return, `${k.call}: returnArg needs return: true`).toBe(true);
        expect(sig?.ret, `${k.call} return`).toContain(k.returnArg.type);
      }
    }
  });

  it('read hook: path from a file argument and the bytes actually read from a signed return value', () => {
    const read = kprobes.find(({ k }) => k.call === 'vfs_read')?.k;
    expect(read.return).toBe(true);
    expect(read.returnArg.type).toBe('long'); // errors negative, not huge size_t values
    expect(read.args[0]).toEqual({ index: 0, type: 'file' }); // no FollowFD (deprecated)
    const sel = read.selectors[0];
    const excluded = (op: string) => sel.matchArgs.filter((m: Any) => m.operator === op).flatMap((m: Any) => m.values);
    for (const p of ['/proc/', '/sys/', '/dev/']) expect(excluded('NotPrefix')).toContain(p);
    expect(excluded('NotPostfix')).toContain('.so');
    expect(sel.matchReturnArgs).toEqual([{ index: 0, operator: 'GT', values: ['0'] }]);
  });

  it('read hook: files are read where they are, and a process environment and memory in procfs; other procfs files and libraries are not', () => {
    const passes = pathFilter(kprobes.find(({ k }) => k.call === 'vfs_read')?.k);
    for (const p of [
      '/srv/exports/2024-01.parquet',
      '/root/.ssh/id_rsa',
      '/proc/1/environ',
      '/proc/42/task/43/environ',
      '/proc/812/mem',
    ])
      expect(passes(p), p).toBe(true);
    for (const p of [
      '/proc/1/status',
      '/proc/1/maps',
      '/proc/meminfo',
      '/proc/self/environment.txt',
      '/sys/x/environ',
      '/usr/lib/x86_64-linux-gnu/libc.so.6',
    ])
      expect(passes(p), p).toBe(false);
  });

  it('mmap hook: work trees are mapped (/usr/src/app, /srv, /tmp), libraries, programs and anonymous memory are not', () => {
    const passes = pathFilter(kprobes.find(({ k }) => k.call === 'security_mmap_file')?.k);
    for (const p of [
      '/usr/src/app/exports/customers.csv',
      '/usr/local/src/repo/big.bin',
      '/srv/data/a.parquet',
      '/tmp/.w/x',
    ])
      expect(passes(p), p).toBe(true);
    for (const p of [
      '',
      '/usr/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
      '/usr/libexec/git-core/git',
      '/usr/bin/git',
      '/usr/local/lib/python3.12/lib-dynload/_ssl.cpython-312-x86_64-linux-gnu.so',
      '/etc/ld.so.cache',
      '/opt/app/lib/libfoo.so',
    ])
      expect(passes(p), p).toBe(false);
  });

  it('network hooks: loopback destinations are filtered out in the kernel', () => {
    for (const { k } of kprobes.filter(({ k }) => (k.args as Any[]).some((a) => a.type === 'sock'))) {
      for (const sel of k.selectors as Any[]) {
        const notDaddr = sel.matchArgs.find((m: Any) => m.operator === 'NotDAddr');
        expect(notDaddr?.index, k.call).toBe(0);
        expect(notDaddr.values).toEqual(expect.arrayContaining(['127.0.0.0/8', '::1']));
      }
    }
  });

  it('a file sent into a TCP socket by sendfile(2) or splice(2) on a kernel before 6.5 is counted as sent: do_tcp_sendpages, from client sockets only', () => {
    // Before Linux 6.5, sendfile/splice into a TCP socket (Go's io.Copy(conn, file) and net/http file bodies
    // over plain HTTP, Java's transferTo, Python's socket.sendfile) and kTLS go tcp_sendpage →
    // do_tcp_sendpages, never tcp_sendmsg: the bytes were unseen. 6.5 removed it (sendmsg with
    // MSG_SPLICE_PAGES, which the tcp_sendmsg hook sees), so the hook must be skippable there.
    const hit = kprobes.find(({ k }) => k.call === 'do_tcp_sendpages');
    expect(hit?.policy).toBe('exfilwatch-tcp');
    const k = hit?.k;
    expect(k.ignore).toEqual({ callNotFound: true });
    expect(k.args).toEqual([
      { index: 0, type: 'sock' },
      { index: 3, type: 'size_t' },
    ]);
    // One event per page (4 KiB): a file server's sendfile replies (nginx `sendfile on`, from its listening
    // port) would flood the ring buffer, so only sockets with an ephemeral source port — connections this
    // host opened — are traced, in every selector.
    for (const sel of k.selectors as Any[]) {
      expect(sel.matchArgs).toContainEqual({ index: 0, operator: 'SPort', values: ['32768:65535'] });
    }
    const send = kprobes.find(({ k }) => k.call === 'tcp_sendmsg')?.k;
    const scope = (sels: Any[]) => sels.map((s) => ({ ns: s.matchNamespaces, bin: s.matchBinaries }));
    expect(scope(k.selectors)).toEqual(scope(send.selectors));
  });

  it('filter in the kernel within Tetragon limits: ≤ 5 selectors, ≤ 5 matchArgs, ≤ 4 values, known operators', () => {
    for (const { k } of kprobes) {
      const where = k.call as string;
      expect(k.selectors.length, where).toBeGreaterThanOrEqual(1);
      expect(k.selectors.length, where).toBeLessThanOrEqual(5);
      for (const sel of k.selectors as Any[]) {
        const matchArgs = (sel.matchArgs ?? []) as Any[];
        expect(matchArgs.length, where).toBeLessThanOrEqual(5);
        for (const m of matchArgs) {
          const arg = (k.args as Any[]).find((a) => a.index === m.index && a.resolve === undefined);
          expect(arg, `${where}: matchArgs index ${m.index} is a declared arg`).toBeDefined();
          // matchArgs' index is the kernel argument's index in some Tetragon versions and the position in
          // `args` in others: a filtered argument must sit where both readings agree.
          expect((k.args as Any[]).indexOf(arg), `${where}: matchArgs index ${m.index} = its position`).toBe(m.index);
          expect(operatorsFor(arg.type), `${where}: ${m.operator} on ${arg.type}`).toContain(m.operator);
          expect(m.values.length, where).toBeGreaterThanOrEqual(1);
          expect(m.values.length, where).toBeLessThanOrEqual(4);
          for (const v of m.values as string[]) {
            if (m.operator.endsWith('Prefix')) expect(v.length).toBeLessThanOrEqual(256);
            if (m.operator.endsWith('Postfix')) expect(v.length).toBeLessThanOrEqual(128);
          }
        }
        for (const m of (sel.matchReturnArgs ?? []) as Any[]) {
          expect(k.returnArg, `${where}: matchReturnArgs needs a returnArg`).toBeDefined();
          expect(NUMBER_OPS).toContain(m.operator);
          expect(m.values.length).toBeLessThanOrEqual(4);
        }
        // Host processes are skipped in the kernel (exfilwatch correlates per container), except the
        // container engines whose egress is docker.sock-bridging evidence: such a selector names them.
        if (sel.matchBinaries) {
          expect(sel.matchNamespaces, where).toBeUndefined();
          for (const b of sel.matchBinaries as Any[]) {
            expect(b.operator, where).toBe('In');
            expect(b.values.length, where).toBeLessThanOrEqual(4);
            for (const v of b.values as string[]) expect(v, where).toMatch(/\/(dockerd|buildkitd)$/);
          }
          continue;
        }
        expect(sel.matchNamespaces, where).toContainEqual({ namespace: 'Mnt', operator: 'NotIn', values: ['host_ns'] });
        for (const ns of sel.matchNamespaces as Any[]) {
          expect(NAMESPACES).toContain(ns.namespace);
          expect(['In', 'NotIn']).toContain(ns.operator);
          expect(ns.values.length).toBeLessThanOrEqual(4);
        }
        // rateLimit de-dups by the first 40 bytes of each arg: it would drop byte counts (see policy comments).
        for (const a of (sel.matchActions ?? []) as Any[]) expect(a.rateLimit, where).toBeUndefined();
      }
    }
  });
});

/**
 * The path filters of a hook's selectors as the kernel applies them: a path passes when every matchArgs of
 * one selector holds (selectors are alternatives).
 */
function pathFilter(kprobe: Any): (path: string) => boolean {
  const holds = (m: Any, path: string): boolean => {
    const values = m.values as string[];
    switch (m.operator) {
      case 'Prefix':
        return values.some((v) => path.startsWith(v));
      case 'NotPrefix':
        return !values.some((v) => path.startsWith(v));
      case 'Postfix':
        return values.some((v) => path.endsWith(v));
      case 'NotPostfix':
        return !values.some((v) => path.endsWith(v));
      default:
        throw new Error(`no model of ${m.operator}`);
    }
  };
  return (path) => (kprobe.selectors as Any[]).some((sel) => (sel.matchArgs as Any[]).every((m) => holds(m, path)));
}
