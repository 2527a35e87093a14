/**
 * Scenario description → timeline. Everything random (ids, pids, ports, cookies, jitter) comes from a PRNG
 * seeded by the scenario's name and seed, so the same description always gives the same events.
 */
import { errorMessage } from '../errors.js';
import { createRng, type Rng } from './rng.js';
import type { Scenario, ScenarioContainer, ScenarioStep } from './schema.js';
import type { Activity, SimContainer, SimNode, SimProcess, SimSocket, Timeline } from './timeline.js';
import { cmpBig } from './timeline.js';

const MS = 1_000_000n;
const DEFAULT_GAP_NS = 10n * MS;
const DEFAULT_CHUNK = 2 * 1024 * 1024;

export interface ExpandOptions {
  /** Overrides the scenario's `start` (epoch ms): the demo shifts scenarios onto its own clock. */
  startMs?: number;
}

/** A scenario could not be expanded (an unknown process or socket reference): names the step. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

export function expandScenario(scenario: Scenario, options: ExpandOptions = {}): Timeline {
  const rng = createRng(`${scenario.name}#${scenario.seed}`);
  const startNs = BigInt(options.startMs ?? Date.parse(scenario.start)) * MS;
  const sim = new Simulation(rng, startNs, scenario);
  let cursor = startNs;
  scenario.steps.forEach((step, index) => {
    const at = step.at !== undefined ? startNs + step.at : cursor + (step.after ?? DEFAULT_GAP_NS);
    try {
      cursor = sim.step(step, at, step.late ?? 0n);
    } catch (err) {
      const what = errorMessage(err);
      throw new ScenarioError(`${scenario.name}: steps[${index}]: ${what}`);
    }
  });
  return sim.finish();
}

function nodeIp(rng: Rng, index: number): string {
  return `10.0.${16 + index}.${rng.int(10, 250)}`;
}

/** `billing-api-7d9f8c6b5-x2k4q` → `billing-api`; `postgres-0` → `postgres`. */
export function workloadOf(pod: string): string {
  return pod
    .replace(/-[a-f0-9]{8,10}-[a-z0-9]{5}$/, '')
    .replace(/-[a-z0-9]{5}$/, '')
    .replace(/-\d+$/, '');
}

export function commOf(binary: string): string {
  return (binary.split('/').pop() ?? binary).slice(0, 15);
}

class Simulation {
  private readonly nodes = new Map<string, SimNode>();
  private readonly containers = new Map<string, SimContainer>();
  private readonly inits = new Map<string, SimProcess>();
  private readonly processes = new Map<string, SimProcess>();
  private readonly sockets = new Map<string, SimSocket>();
  private readonly nextPid = new Map<string, number>();
  private readonly activities: Activity[] = [];
  private seq = 0;

  constructor(
    private readonly rng: Rng,
    private readonly startNs: bigint,
    private readonly scenario: Scenario,
  ) {
    scenario.nodes.forEach((name, i) => {
      const uptimeNs = BigInt(rng.int(2 * 86400, 40 * 86400)) * 1_000_000_000n + BigInt(rng.int(0, 999_999_999));
      this.nodes.set(name, { name, ip: nodeIp(rng, i), bootNs: startNs - uptimeNs });
      this.nextPid.set(name, rng.int(20_000, 60_000));
    });
    scenario.containers.forEach((c, i) => {
      this.addContainer(c, i);
    });
  }

  private node(name: string | undefined): SimNode {
    const node = this.nodes.get(name ?? this.scenario.nodes[0]!);
    if (!node) throw new ScenarioError(`${this.scenario.name}: unknown node "${name}" (not in nodes)`);
    return node;
  }

  private allocPid(node: SimNode): number {
    const pid = this.nextPid.get(node.name)! + this.rng.int(1, 37);
    this.nextPid.set(node.name, pid);
    return pid;
  }

  private execIdOf(node: SimNode, startNs: bigint, pid: number): string {
    // Tetragon: base64("<node_name>:<ktime_ns>:<pid>").
    return Buffer.from(`${node.name}:${startNs - node.bootNs}:${pid}`).toString('base64');
  }

  private makeProcess(
    ref: string,
    container: SimContainer | null,
    node: SimNode,
    parent: SimProcess | null,
    spec: { binary: string; args: string; cwd?: string | undefined; uid?: number | undefined },
    startNs: bigint,
    pid = this.allocPid(node),
  ): SimProcess {
    const containerPid = container && !container.host ? container.nextContainerPid++ : null;
    return {
      ref,
      container,
      node,
      pid,
      containerPid,
      execId: this.execIdOf(node, startNs, pid),
      parent,
      binary: spec.binary,
      args: spec.args,
      cwd: spec.cwd ?? '/',
      uid: spec.uid ?? 0,
      startNs,
      comm: commOf(spec.binary),
      inInitTree: parent?.container === container ? parent.inInitTree : true,
      preexisting: startNs < this.startNs,
      exited: false,
    };
  }

  private addContainer(c: ScenarioContainer, index: number): void {
    const node = this.node(c.node);
    const rng = this.rng;
    // Containers started a while before the capture; their init is pid 1 inside.
    const startNs = this.startNs - BigInt(rng.int(60, 3 * 3600)) * 1_000_000_000n;
    const image = c.image ?? null;
    const repo = image ? image.replace(/:[^/:]+$/, '') : null;
    const container: SimContainer = {
      ref: c.name,
      node,
      host: c.host,
      id: c.host ? null : rng.hex(64),
      name: c.host ? null : (c.container ?? c.name),
      image,
      imageId: repo ? `${repo}@sha256:${rng.hex(64)}` : null,
      namespace: c.namespace ?? null,
      pod: c.pod ?? null,
      podUid: c.host ? null : uuid(rng),
      labels: c.labels,
      workload: c.host ? null : (c.workload ?? workloadOf(c.pod!)),
      workloadKind: c.host ? null : c.workloadKind,
      startNs,
      ip: c.host
        ? node.ip
        : `10.244.${this.scenario.nodes.indexOf(node.name) + 1}.${10 + ((index * 37 + rng.int(0, 200)) % 240)}`,
      nextContainerPid: 1,
    };
    this.containers.set(c.name, container);
    // The process that started it: containerd-shim for a pod, systemd for a host daemon. Never emitted.
    const starter = c.host
      ? this.makeProcess(
          `${c.name}#systemd`,
          null,
          node,
          null,
          { binary: '/usr/lib/systemd/systemd', args: '--system --deserialize 30' },
          node.bootNs + 2_000_000_000n,
          1,
        )
      : this.makeProcess(
          `${c.name}#shim`,
          null,
          node,
          null,
          {
            binary: '/usr/bin/containerd-shim-runc-v2',
            args: `-namespace k8s.io -id ${container.id} -address /run/containerd/containerd.sock`,
          },
          startNs - 150_000_000n,
        );
    const initStart = c.emitInit ? this.startNs : startNs;
    const init = this.makeProcess(c.name, container, node, starter, c.init, initStart);
    this.inits.set(c.name, init);
    if (c.emitInit) this.push({ type: 'exec', ns: initStart, emitNs: initStart, seq: 0, proc: init });
  }

  private proc(ref: string): SimProcess {
    const p = this.processes.get(ref) ?? this.inits.get(ref);
    if (!p) throw new ScenarioError(`unknown process "${ref}" (no exec with that id, and no container of that name)`);
    if (p.exited) throw new ScenarioError(`process "${ref}" has already exited`);
    return p;
  }

  private push(a: Activity): void {
    a.seq = this.seq++;
    this.activities.push(a);
  }

  /** Microsecond jitter so timestamps look like a real capture (and two steps never share an instant). */
  private jitter(): bigint {
    return BigInt(this.rng.int(1_000, 900_000));
  }

  /** Runs one step at `at`; returns the step's end (for the next step's `after`). */
  step(step: ScenarioStep, at: bigint, late: bigint): bigint {
    const t = at + this.jitter();
    const base = { emitNs: 0n, seq: 0 };
    const emit = (a: Activity): void => {
      a.emitNs = a.ns + late;
      this.push(a);
    };
    if (step.exec) {
      const e = step.exec;
      if (this.processes.has(e.id) || this.containers.has(e.id))
        throw new ScenarioError(`process id "${e.id}" is already used`);
      let parent = this.proc(e.parent);
      const container = parent.container ?? this.containers.get(e.parent) ?? null;
      if (e.injected) {
        if (!container || container.host) throw new ScenarioError('exec.injected needs parent: a container name');
        // runc execs the process into the container's namespaces: its parent is the runtime, on the host.
        const runcSpec = {
          binary: '/usr/bin/runc',
          args: `--root /run/containerd/runc/k8s.io exec --process /tmp/runc-process${this.rng.hex(8)} ${container.id}`,
        };
        parent = this.makeProcess(`${e.id}#runc`, null, parent.node, null, runcSpec, t - 4n * MS);
      }
      const proc = this.makeProcess(e.id, container, parent.node, parent, e, t);
      if (e.injected) proc.inInitTree = false;
      this.processes.set(e.id, proc);
      emit({ ...base, type: 'exec', ns: t, proc });
      return t;
    }
    if (step.read) {
      const r = step.read;
      const proc = this.proc(r.proc);
      if (r.files > 1 && !/\{i(?::\d+)?\}/.test(r.path)) throw new ScenarioError('read.path needs {i} when files > 1');
      const sizes = split(this.rng, r.bytes, r.files);
      const chunk = r.chunk ?? DEFAULT_CHUNK;
      const over = r.over ?? BigInt(r.files) * 3n * MS;
      let last = t;
      sizes.forEach((size, i) => {
        let ns = t + (over * BigInt(i)) / BigInt(r.files);
        const path = r.path.replace(/\{i(?::(\d+))?\}/g, (_m, pad: string | undefined) =>
          String(i + 1).padStart(pad ? Number(pad) : 0, '0'),
        );
        if (r.via === 'mmap') {
          emit({ ...base, type: 'map', ns, proc, path, bytes: size });
          last = ns;
          return;
        }
        let left = size;
        do {
          const bytes = Math.min(left, chunk);
          emit({ ...base, type: 'read', ns, proc, path, bytes, requested: chunk });
          left -= bytes;
          last = ns;
          ns += BigInt(this.rng.int(40_000, 400_000));
        } while (left > 0);
      });
      return last > t + over ? last : t + over;
    }
    if (step.connect) {
      const c = step.connect;
      const proc = this.proc(c.proc);
      emit({ ...base, type: 'connect', ns: t, proc, sock: this.openSocket(proc, c.to, c.ip, c.sock ?? c.proc) });
      return t;
    }
    if (step.send) {
      const s = step.send;
      return this.sends(emit, this.proc(s.proc), this.socket(s.sock ?? s.proc), t, s.bytes, s.over, s.chunk);
    }
    if (step.upload) {
      const u = step.upload;
      const proc = this.proc(u.proc);
      const sock = this.openSocket(proc, u.to, u.ip, u.sock ?? u.proc);
      emit({ ...base, type: 'connect', ns: t, proc, sock });
      const end = this.sends(emit, proc, sock, t + 2n * MS, u.bytes, u.over, u.chunk);
      emit({ ...base, type: 'close', ns: end + 3n * MS, proc, sock });
      this.sockets.delete(sock.ref);
      return end + 3n * MS;
    }
    if (step.close) {
      const c = step.close;
      const sock = this.socket(c.sock ?? c.proc);
      emit({ ...base, type: 'close', ns: t, proc: this.proc(c.proc), sock });
      this.sockets.delete(sock.ref);
      return t;
    }
    if (step.exit) {
      const proc = this.proc(step.exit.proc);
      proc.exited = true;
      emit({ ...base, type: 'exit', ns: t, proc, status: step.exit.status, signal: step.exit.signal ?? null });
      return t;
    }
    const s = step.stop!;
    if (!this.containers.has(s.container)) throw new ScenarioError(`unknown container "${s.container}"`);
    // The runtime kills the container: its processes end youngest first, init last.
    const members = [...this.processes.values(), this.inits.get(s.container)!]
      .filter((p) => p.container?.ref === s.container && !p.exited)
      .sort((a, b) => cmpBig(b.startNs, a.startNs) || (a.containerPid === 1 ? 1 : b.containerPid === 1 ? -1 : 0));
    let ns = t;
    for (const proc of members) {
      proc.exited = true;
      emit({ ...base, type: 'exit', ns, proc, status: s.status, signal: s.signal ?? null });
      ns += BigInt(this.rng.int(20_000, 300_000));
    }
    return ns;
  }

  private sends(
    emit: (a: Activity) => void,
    proc: SimProcess,
    sock: SimSocket,
    t: bigint,
    total: number,
    over: bigint | undefined,
    chunkSize: number | undefined,
  ): bigint {
    const chunk = chunkSize ?? DEFAULT_CHUNK;
    const calls = Math.max(1, Math.ceil(total / chunk));
    const span = over ?? BigInt(calls) * 2n * MS;
    let left = total;
    let last = t;
    for (let i = 0; i < calls; i++) {
      const bytes = Math.min(left, chunk);
      left -= bytes;
      last = t + (span * BigInt(i)) / BigInt(calls) + BigInt(this.rng.int(0, 90_000));
      emit({ type: 'send', ns: last, emitNs: 0n, seq: 0, proc, sock, bytes });
    }
    return last;
  }

  private openSocket(proc: SimProcess, to: string, ip: string | undefined, ref: string): SimSocket {
    const [host, port] = splitHostPort(to);
    const daddr = ip ?? this.scenario.dns[host] ?? (/^\d+\.\d+\.\d+\.\d+$/.test(host) ? host : undefined);
    if (!daddr) throw new ScenarioError(`no IP for "${host}": give connect.ip or add it to dns`);
    if (this.sockets.has(ref)) throw new ScenarioError(`socket "${ref}" is already open (close it or name another)`);
    // A kernel `struct sock *` address: 0xffff88xxxxxxxxxx, well beyond 2^53.
    const cookie = (0xffff888100000000n + BigInt(this.rng.int(0, 0x3fffffff)) * 64n).toString();
    const sock: SimSocket = {
      ref,
      cookie,
      family: 'AF_INET',
      saddr: (proc.container ?? { ip: proc.node.ip }).ip,
      sport: this.rng.int(32_768, 60_999),
      daddr,
      dport: port,
      host,
    };
    this.sockets.set(ref, sock);
    return sock;
  }

  private socket(ref: string): SimSocket {
    const s = this.sockets.get(ref);
    if (!s) throw new ScenarioError(`unknown or closed socket "${ref}"`);
    return s;
  }

  finish(): Timeline {
    const activities = [...this.activities].sort((a, b) => cmpBig(a.emitNs, b.emitNs) || a.seq - b.seq);
    return { activities, containers: [...this.containers.values()], nodes: [...this.nodes.values()] };
  }
}

function splitHostPort(to: string): [string, number] {
  const i = to.lastIndexOf(':');
  return [to.slice(0, i), Number(to.slice(i + 1))];
}

/** Splits `total` into `parts` positive sizes with ±40% jitter that sum exactly to `total`. */
export function split(rng: Rng, total: number, parts: number): number[] {
  if (total < parts) throw new ScenarioError(`cannot split ${total} bytes over ${parts} files`);
  if (parts === 1) return [total];
  const weights = Array.from({ length: parts }, () => 0.6 + rng.next() * 0.8);
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(1, Math.floor((total * w) / sum)));
  let diff = total - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; diff > 0; i++, diff--) sizes[i % parts]! += 1;
  for (; diff < 0; diff++) {
    const largest = sizes.indexOf(Math.max(...sizes));
    sizes[largest]! -= 1;
  }
  return sizes;
}

function uuid(rng: Rng): string {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
