/**
 * A small builder of NormalizedEvent sequences for correlator scenarios: a time cursor, containers,
 * processes (Tetragon style with exec ids, or Falco style with pids only) and their file/net activity.
 */
import { type AllowlistEntry, allowlistEntrySchema } from '../../../src/correlate/allowlist-schema.js';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import {
  type CorrelatorEngine,
  createCorrelator,
  type HostResolver,
  type PodSecretLookup,
} from '../../../src/correlate/index.js';
import type { Alert } from '../../../src/model/alert.js';
import type { ContainerRef, NormalizedEvent, PodRef, SensorSource } from '../../../src/model/normalized-event.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';

export const MiB = 1024 * 1024;
export const T0 = Date.parse('2025-03-01T10:00:00Z');

export interface Ctr {
  ref: ContainerRef;
  pod: PodRef | null;
  node: string;
  initPid: number;
}
export interface Proc {
  ctr: Ctr | null;
  execId: string | null;
  parentExecId: string | null;
  pid: number;
  ppid: number | null;
  binary: string;
  args: string;
  parentBinary: string | null;
  parentArgs: string | null;
  containerPid: number;
  /** The process's uid as the sensors report it; absent: the event gives none. */
  uid?: number;
}

let nextPid = 1000;
let nextCtr = 1;

export class Scenario {
  readonly events: NormalizedEvent[] = [];
  now: number;
  constructor(readonly opts: { node?: string; source?: SensorSource; startMs?: number } = {}) {
    this.now = opts.startMs ?? T0;
  }
  get source(): SensorSource {
    return this.opts.source ?? 'tetragon';
  }
  get falco(): boolean {
    return this.source === 'falco';
  }

  /** Moves the cursor forward by `ms` (events get the cursor's time unless given `at`). */
  wait(ms: number): this {
    this.now += ms;
    return this;
  }

  container(
    o: {
      name?: string;
      image?: string;
      /** null: a container outside any pod (one the node's docker daemon ran). */
      namespace?: string | null;
      pod?: string;
      labels?: Record<string, string>;
      node?: string;
      id?: string;
    } = {},
  ): Ctr {
    const n = nextCtr++;
    const full = o.id ?? `${n.toString(16).padStart(4, '0')}${'ab12cd34'.repeat(8)}`.slice(0, 64);
    return {
      ref: {
        id: this.falco ? full.slice(0, 12) : full,
        name: o.name ?? `app-${n}`,
        image: o.image ?? 'ghcr.io/acme/app:1.0',
      },
      pod:
        o.namespace === null
          ? null
          : {
              namespace: o.namespace ?? 'prod',
              name: o.pod ?? `app-${n}-7d9f`,
              ...(o.labels ? { labels: o.labels } : {}),
            },
      node: o.node ?? this.opts.node ?? 'node-a',
      initPid: nextPid++,
    };
  }

  /** A host process (no container), e.g. dockerd. */
  hostProc(binary: string, args = ''): Proc {
    const pid = nextPid++;
    return {
      ctr: null,
      execId: this.falco ? null : `host-${pid}`,
      parentExecId: null,
      pid,
      ppid: 1,
      binary,
      args,
      parentBinary: null,
      parentArgs: null,
      containerPid: pid,
    };
  }

  /** The container's init process (containerPid 1), without emitting an exec. */
  init(ctr: Ctr, binary = '/bin/sh', args = '-c /entrypoint.sh'): Proc {
    return {
      ctr,
      execId: this.falco ? null : `exec-${ctr.initPid}`,
      parentExecId: null,
      pid: ctr.initPid,
      ppid: null,
      binary,
      args,
      parentBinary: null,
      parentArgs: null,
      containerPid: 1,
    };
  }

  exec(
    ctr: Ctr,
    binary: string,
    args: string,
    o: { parent?: Proc; at?: number; parentBinary?: string; parentArgs?: string; cwd?: string; uid?: number } = {},
  ): Proc {
    const pid = nextPid++;
    const parent = o.parent ?? null;
    const p: Proc = {
      ctr,
      execId: this.falco ? null : `exec-${pid}`,
      parentExecId: this.falco ? null : (parent?.execId ?? null),
      pid,
      ppid: parent?.pid ?? null,
      binary,
      args,
      parentBinary: o.parentBinary ?? parent?.binary ?? null,
      parentArgs: o.parentArgs ?? parent?.args ?? null,
      containerPid: pid - ctr.initPid + 1,
      ...(o.uid !== undefined ? { uid: o.uid } : {}),
    };
    const base = this.base(p, o.at);
    // The working directory is given on execs only, as the normalizers do.
    this.push({ kind: 'exec', ...base, process: { ...base.process, cwd: o.cwd ?? null } });
    return p;
  }

  read(p: Proc, path: string, bytes: number | null, o: { at?: number; op?: 'open' | 'read' | 'map' } = {}): this {
    this.push({ kind: 'file', ...this.base(p, o.at), file: { path, op: o.op ?? 'read', bytes } });
    return this;
  }

  /** Reads `count` files of `bytesEach` under `dir`, spaced `stepMs` apart. */
  readMany(p: Proc, dir: string, count: number, bytesEach: number, stepMs = 0): this {
    for (let i = 0; i < count; i++) {
      this.read(p, `${dir}/f${i}.dat`, bytesEach);
      this.now += stepMs;
    }
    return this;
  }

  write(p: Proc, path: string, bytes: number): this {
    this.push({ kind: 'file', ...this.base(p), file: { path, op: 'write', bytes } });
    return this;
  }

  connect(p: Proc, daddr: string, dport: number, o: { cookie?: string; at?: number; protocol?: string } = {}): this {
    this.push({
      kind: 'net',
      ...this.base(p, o.at),
      net: { op: 'connect', daddr, dport, bytes: null, cookie: o.cookie ?? null, protocol: o.protocol ?? null },
    });
    return this;
  }

  send(
    p: Proc,
    daddr: string | null,
    dport: number | null,
    bytes: number,
    o: { cookie?: string; at?: number; protocol?: string } = {},
  ): this {
    this.push({
      kind: 'net',
      ...this.base(p, o.at),
      net: { op: 'send', daddr, dport, bytes, cookie: o.cookie ?? null, protocol: o.protocol ?? null },
    });
    return this;
  }

  exit(p: Proc, o: { at?: number } = {}): this {
    this.push({ kind: 'exit', ...this.base(p, o.at), exit: { status: 0, signal: null } });
    return this;
  }

  gap(o: { node?: string; fromMs?: number; dropped?: number; at?: number } = {}): this {
    const t = o.at ?? this.now;
    this.events.push({
      kind: 'gap',
      time: iso(t),
      timeMs: t,
      source: this.source,
      node: o.node ?? this.opts.node ?? 'node-a',
      gap: { dropped: o.dropped ?? 100, reason: 'queue_full', ...(o.fromMs !== undefined ? { fromMs: o.fromMs } : {}) },
    });
    return this;
  }

  private base(p: Proc, at?: number) {
    const t = at ?? this.now;
    return {
      time: iso(t),
      timeMs: t,
      source: this.source,
      node: p.ctr?.node ?? this.opts.node ?? 'node-a',
      container: p.ctr?.ref ?? null,
      pod: p.ctr?.pod ?? null,
      process: {
        execId: p.execId,
        parentExecId: p.parentExecId,
        pid: p.pid,
        ppid: p.ppid,
        binary: p.binary,
        args: p.args,
        parentBinary: p.parentBinary,
        parentArgs: p.parentArgs,
        containerPid: p.containerPid,
        ...(p.uid !== undefined ? { uid: p.uid } : {}),
      },
    };
  }

  private push(e: NormalizedEvent): void {
    this.events.push(e);
  }
}

export function iso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(Math.round((ms % 1000) * 1e6)).padStart(9, '0')}Z`;
}

export interface RunOptions {
  config?: Record<string, unknown>;
  allowlist?: Array<Record<string, unknown>>;
  metrics?: Metrics;
  resolveHost?: HostResolver | null;
  /** Feed events in batches of this size (default: one batch). */
  batchSize?: number;
  /** The pods' secret mounts (src/kubernetes/ PodSecretTable). */
  podSecrets?: PodSecretLookup | null;
}

export function makeCorrelator(o: RunOptions = {}): { correlator: CorrelatorEngine; metrics: Metrics } {
  const metrics = o.metrics ?? createMetrics();
  const allowlist: AllowlistEntry[] = (o.allowlist ?? []).map((e) => allowlistEntrySchema.parse(e));
  const correlator = createCorrelator(correlatorConfigSchema.parse(o.config ?? {}), allowlist, {
    logger: silentLogger(),
    metrics,
    clock: { now: () => T0 },
    resolveHost: o.resolveHost === undefined ? null : o.resolveHost,
    podSecrets: o.podSecrets ?? null,
  });
  return { correlator, metrics };
}

/** Runs events through a fresh correlator and flushes: every alert, in order. */
export function run(events: readonly NormalizedEvent[], o: RunOptions = {}): { alerts: Alert[]; metrics: Metrics } {
  const { correlator, metrics } = makeCorrelator(o);
  const alerts: Alert[] = [];
  const size = o.batchSize ?? events.length;
  for (let i = 0; i < events.length; i += Math.max(1, size))
    alerts.push(...correlator.ingest(events.slice(i, i + Math.max(1, size))));
  alerts.push(...correlator.flush());
  return { alerts, metrics };
}

/** A fake resolver for a few SaaS hosts (tests never touch the network). */
export const TEST_DNS: Record<string, string[]> = {
  'github.com': ['140.82.112.3'],
  'api.github.com': ['140.82.112.5'],
  'ghcr.io': ['140.82.121.33'],
  'gcr.io': ['142.250.1.82'],
};
export const testResolver: HostResolver = async (host) => TEST_DNS[host] ?? [];

/** Like run(), after resolving the configured hostnames with `testResolver` (or o.resolveHost). */
export async function runResolved(events: readonly NormalizedEvent[], o: RunOptions = {}) {
  const { correlator, metrics } = makeCorrelator({ ...o, resolveHost: o.resolveHost ?? testResolver });
  await correlator.refreshDestinations();
  const alerts = [...correlator.ingest(events), ...correlator.flush()];
  return { alerts, metrics };
}

/** The (rule, severity, tool, destination) of each alert: what most scenarios assert exactly. */
export function brief(alerts: readonly Alert[]) {
  return alerts.map((a) => ({
    rule: a.rule,
    severity: a.severity,
    tool: a.push.tool,
    destination: a.push.destination,
  }));
}

export async function counterValue(
  metrics: Metrics,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const data = await metric.get();
  return data.values
    .filter((v) => Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val))
    .reduce((sum, v) => sum + v.value, 0);
}
