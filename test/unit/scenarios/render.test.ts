import { describe, expect, it } from 'vitest';
import { expandScenario } from '../../../src/scenarios/expand.js';
import { falcoLine, renderFalco } from '../../../src/scenarios/falco.js';
import { renderTetragon, tetragonEvent } from '../../../src/scenarios/tetragon.js';
import { scenario } from './helpers.js';

const timeline = () =>
  expandScenario(
    scenario({
      steps: [
        { at: '1s', exec: { id: 'git', parent: 'app', binary: '/usr/bin/git', args: 'push origin main', cwd: '/src' } },
        {
          after: '5ms',
          read: { proc: 'git', path: '/src/.git/objects/pack/pack-1.pack', bytes: '3MiB', chunk: '1MiB' },
        },
        { after: '5ms', upload: { proc: 'git', to: 'github.com:443', bytes: '2MiB', chunk: '1MiB' } },
        { after: '5ms', exit: { proc: 'git', status: 1 } },
      ],
    }),
  );

describe('Tetragon JSON form', () => {
  const t = timeline();
  // biome-ignore lint/suspicious/noExplicitAny: the test digs into free-form protojson.
  const events = t.activities.map(tetragonEvent) as Array<Record<string, any>>;

  it('has one oneof key plus node_name and time (RFC 3339, nine digits)', () => {
    for (const e of events) {
      const keys = Object.keys(e);
      expect(keys.slice(-2)).toEqual(['node_name', 'time']);
      expect(keys).toHaveLength(3);
      expect(e.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
    }
    expect(events.map((e) => Object.keys(e)[0])).toEqual([
      'process_exec',
      'process_exec',
      ...Array(7).fill('process_kprobe'), // 3 reads of 1 MiB, connect, 2 sends, close
      'process_exit',
    ]);
  });

  it('shapes processes like Tetragon: containerd:// id, 31-char docker prefix, pod, wrappers unwrapped', () => {
    const exec = events[1]!.process_exec;
    const p = exec.process;
    expect(p.binary).toBe('/usr/bin/git');
    expect(p.arguments).toBe('push origin main');
    expect(p.pid).toEqual(expect.any(Number));
    expect(p.uid).toBe(0);
    expect(p.pod.container.id).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(p.docker).toBe(p.pod.container.id.slice('containerd://'.length, 'containerd://'.length + 31));
    expect(p.pod.container.image.name).toBe('registry.example.com/team/app:1.0');
    expect(p.pod.container.image.id).toMatch(/^registry\.example\.com\/team\/app@sha256:[0-9a-f]{64}$/);
    expect(p.pod.pod_labels).toEqual({ app: 'app' });
    expect(p.parent_exec_id).toBe(exec.parent.exec_id);
    expect(exec.parent.binary).toBe('/app/server');
    expect(exec.parent.arguments).toBeUndefined(); // empty string = zero value = omitted
  });

  it('reads are kprobes with a file_arg and the byte count as a 64-bit string return', () => {
    const read = events[2]!.process_kprobe;
    expect(read.args[0].file_arg.path).toBe('/src/.git/objects/pack/pack-1.pack');
    expect(read.args[1]).toEqual({ size_arg: '1048576' });
    expect(read.return).toEqual({ long_arg: '1048576' });
    expect(read.action).toBe('KPROBE_ACTION_POST');
    const total = events
      .filter((e) => e.process_kprobe?.args[0].file_arg)
      .reduce((n, e) => n + Number(e.process_kprobe.return.long_arg), 0);
    expect(total).toBe(3 * 1024 * 1024);
  });

  it('network kprobes carry sock_arg with the cookie as an exact string and the send size as int_arg', () => {
    const net = events.filter((e) => e.process_kprobe?.args[0].sock_arg).map((e) => e.process_kprobe);
    expect(net.map((k) => k.function_name)).toEqual(['tcp_connect', 'tcp_sendmsg', 'tcp_sendmsg', 'tcp_close']);
    const cookies = new Set(net.map((k) => k.args[0].sock_arg.cookie));
    expect(cookies.size).toBe(1);
    const [cookie] = [...cookies];
    expect(typeof cookie).toBe('string');
    expect(BigInt(cookie as string)).toBeGreaterThan(2n ** 53n);
    expect(net[0].args[0].sock_arg).toMatchObject({ daddr: '140.82.121.4', dport: 443, family: 'AF_INET' });
    expect(net[1].args[1]).toEqual({ int_arg: 1048576 });
  });

  it('exit carries the status only when non-zero and its own time', () => {
    const exit = events[9]!.process_exit;
    expect(exit.status).toBe(1);
    expect(exit.signal).toBeUndefined();
    expect(exit.time).toBe(events[9]!.time);
  });

  it('renders one line per activity', () => {
    const lines = renderTetragon(t);
    expect(lines).toHaveLength(t.activities.length);
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
  });
});

describe('Falco JSON form', () => {
  const t = timeline();
  const lines = renderFalco(t);

  it('writes evt.time as an exact integer of nanoseconds beyond 2^53', () => {
    for (const [i, line] of lines.entries()) {
      const m = /"evt\.time":(\d+)[,}]/.exec(line);
      expect(m).not.toBeNull();
      expect(BigInt(m![1]!)).toBe(t.activities[i]!.ns);
      expect(BigInt(m![1]!)).toBeGreaterThan(2n ** 53n);
    }
  });

  it('sorts keys like nlohmann::json and uses 12-char container ids and k8s fields', () => {
    const alert = JSON.parse(lines[1]!);
    expect(Object.keys(alert)).toEqual([
      'hostname',
      'output',
      'output_fields',
      'priority',
      'rule',
      'source',
      'tags',
      'time',
    ]);
    const fields = alert.output_fields;
    expect(Object.keys(fields)).toEqual([...Object.keys(fields)].sort());
    expect(fields['container.id']).toBe(t.containers[0]!.id!.slice(0, 12));
    expect(fields['k8s.ns.name']).toBe('team');
    expect(fields['proc.exepath']).toBe('/usr/bin/git');
    expect(fields['proc.cmdline']).toBe('git push origin main');
    expect(fields['proc.ppid']).toBe(t.activities[1]!.proc.parent!.pid);
    expect(alert.hostname).toBe('node-a');
    expect(alert.source).toBe('syscall');
    expect(alert.time).toMatch(/\.\d{9}Z$/);
  });

  it('gives reads and sends their byte count in evt.rawres and sockets a fd.name tuple', () => {
    const parsed = lines.map((l) => JSON.parse(l).output_fields);
    const read = parsed.find((f) => f['evt.type'] === 'read');
    expect(read['fd.name']).toBe('/src/.git/objects/pack/pack-1.pack');
    expect(read['evt.rawres']).toBe(1048576);
    const connect = parsed.find((f) => f['evt.type'] === 'connect');
    expect(connect['fd.rip']).toBe('140.82.121.4');
    expect(connect['fd.rport']).toBe(443);
    expect(connect['fd.name']).toMatch(/^10\.244\.\d+\.\d+:\d+->140\.82\.121\.4:443$/);
    const sent = parsed.filter((f) => f['evt.type'] === 'sendto').reduce((n, f) => n + f['evt.rawres'], 0);
    expect(sent).toBe(2 * 1024 * 1024);
  });

  it('marks host processes with container.id "host" and null k8s fields', () => {
    const host = expandScenario(
      scenario({
        containers: [
          { name: 'app', namespace: 'team', pod: 'app-0', image: 'img:1', init: { binary: '/app/server' } },
          { name: 'dockerd', host: true, init: { binary: '/usr/bin/dockerd', args: '-H fd://' }, emitInit: false },
        ],
        steps: [{ at: '1s', upload: { proc: 'dockerd', to: 'github.com:443', bytes: 100 } }],
      }),
    );
    const f = JSON.parse(falcoLine(host.activities.find((a) => a.type === 'connect')!)).output_fields;
    expect(f['container.id']).toBe('host');
    expect(f['k8s.pod.name']).toBeNull();
    expect(f['proc.exepath']).toBe('/usr/bin/dockerd');
  });
});

describe('a file opened through a procfs link', () => {
  const t = expandScenario(
    scenario({
      steps: [
        { at: '1s', exec: { id: 'tar', parent: 'app', binary: '/bin/tar', args: 'czf - x', cwd: '/work' } },
        { after: '5ms', read: { proc: 'tar', path: '/proc/self/root/srv/a.csv', bytes: '1KiB' } },
        { after: '5ms', read: { proc: 'tar', path: '/proc/self/task/7/cwd/b.csv', bytes: '1KiB' } },
        { after: '5ms', read: { proc: 'tar', path: '/proc/self/root/srv/c.csv', bytes: '1KiB', via: 'mmap' } },
      ],
    }),
  );

  it('is named where it is by Tetragon (the kernel followed the link) and as opened by Falco', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the test digs into free-form protojson.
    const tetragon = t.activities.map(tetragonEvent) as Array<Record<string, any>>;
    const paths = tetragon.filter((e) => e.process_kprobe).map((e) => e.process_kprobe.args[0].file_arg.path);
    expect(paths).toEqual(['/srv/a.csv', '/work/b.csv', '/srv/c.csv']);
    const falco = renderFalco(t)
      .map((l) => JSON.parse(l).output_fields['fd.name'])
      .filter((n) => n !== undefined);
    expect(falco).toEqual(['/proc/self/root/srv/a.csv', '/proc/self/task/7/cwd/b.csv', '/proc/self/root/srv/c.csv']);
  });
});
