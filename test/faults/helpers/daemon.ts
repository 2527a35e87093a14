/**
 * `exfilwatch run` as a real child process for the fault suite: written config, discovered ops port,
 * /metrics scraped and parsed, alerts read from stdout, JSON logs from stderr, RSS from /proc.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { shippedNodeOptions } from '../../../bench/lib/shipped-node-options.js';
import type { Alert } from '../../../src/model/alert.js';
import { captureOutput } from '../../helpers/child-output.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface DaemonOptions {
  /** Extra environment (NODE_NAME defaults to worker-1, the scenarios' node; NATS_URL to empty). */
  env?: NodeJS.ProcessEnv;
  /** Extra CLI arguments after `run --config FILE`. */
  args?: string[];
  /** Start the process with this umask (octal string, e.g. "000") through sh. */
  umask?: string;
  /**
   * Start node through this command (e.g. `setpriv --bounding-set=-all`, so that root, as CI runs, is held
   * to file modes as the pod's non-root user is). Not with `umask`.
   */
  prefix?: string[];
  /** Reuse this directory (config is rewritten there); else a fresh temp dir removed by dispose(). */
  dir?: string;
  /**
   * Run a built CLI (`<dist>/cli/main.js`, see buildDist) instead of the TypeScript sources through tsx:
   * what production runs, without tsx's compiler in the process (for memory measurements).
   */
  dist?: string;
  /**
   * The child's stdout instead of a pipe read here (then `alerts()` is empty): e.g. the writing end of a pipe
   * whose reader never reads.
   */
  stdout?: Writable;
}

/**
 * Compiles src/ (tsconfig.build.json) into a private directory under .tmp/ and returns it; `npm run build`'s
 * dist/ is left alone. About 10 s on two cores: for the few tests that measure the production process.
 */
export function buildDist(): string {
  const out = join(REPO_ROOT, '.tmp', `dist-faults-${process.pid}`);
  const tsc = spawnSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', out],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    },
  );
  if (tsc.status !== 0) throw new Error(`build failed (exit ${tsc.status}):\n${tsc.stdout}${tsc.stderr}`);
  return out;
}

export interface Daemon {
  readonly child: ChildProcess;
  readonly dir: string;
  readonly base: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
  logs(): Array<Record<string, unknown>>;
  waitForLog(pred: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  alerts(): Alert[];
  metricsText(): Promise<string>;
  /** Sum of every sample of `name` whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  waitForMetric(
    name: string,
    labels: Record<string, string>,
    pred: (v: number) => boolean,
    timeoutMs?: number,
  ): Promise<number>;
  rssBytes(): number;
  alive(): boolean;
  /** SIGKILL if still running; removes the temp dir it created. */
  dispose(): Promise<void>;
}

export function tempDir(prefix = 'exfilwatch-fault-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function waitFor<T>(
  fn: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
  everyMs = 25,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Parses Prometheus text exposition into samples. */
export function parseMetrics(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  const out: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

export function sumMetric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const s of parseMetrics(text)) {
    if (s.name !== name) continue;
    if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  }
  return sum;
}

/** Starts `exfilwatch run --config <dir>/config.json --metrics-addr 127.0.0.1:0` and waits until it runs. */
export async function startDaemon(config: Record<string, unknown>, options: DaemonOptions = {}): Promise<Daemon> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? tempDir();
  const configPath = join(dir, 'config.json');
  // JSON is YAML: the loader reads it as is.
  writeFileSync(configPath, JSON.stringify(config));
  const nodeArgs = [
    ...(options.dist ? [join(options.dist, 'cli', 'main.js')] : ['--import', 'tsx', 'src/cli/main.ts']),
    'run',
    '--config',
    configPath,
    '--metrics-addr',
    '127.0.0.1:0',
    ...(options.args ?? []),
  ];
  // The production build runs under the V8 heap caps the image ships (Dockerfile ENV NODE_OPTIONS).
  const shipped = options.dist ? { NODE_OPTIONS: shippedNodeOptions().join(' ') } : {};
  const env = { ...process.env, NATS_URL: '', NODE_NAME: 'worker-1', ...shipped, ...options.env };
  const stdio = ['ignore', options.stdout ?? 'pipe', 'pipe'] as const;
  if (options.prefix && options.umask !== undefined) throw new Error('startDaemon: prefix and umask do not combine');
  const [wrapper, ...wrapperArgs] = options.prefix ?? [];
  const child =
    wrapper !== undefined
      ? spawn(wrapper, [...wrapperArgs, process.execPath, ...nodeArgs], { cwd: REPO_ROOT, env, stdio: [...stdio] })
      : options.umask === undefined
        ? spawn(process.execPath, nodeArgs, { cwd: REPO_ROOT, env, stdio: [...stdio] })
        : spawn('sh', ['-c', `umask ${options.umask} && exec "$0" "$@"`, process.execPath, ...nodeArgs], {
            cwd: REPO_ROOT,
            env,
            stdio: [...stdio],
          });
  const io = captureOutput(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const { logs } = io;
  const alive = () => child.exitCode === null && child.signalCode === null;
  const waitForLog = (pred: (line: Record<string, unknown>) => boolean, timeoutMs = 20_000) =>
    waitFor(
      () => {
        if (!alive()) throw new Error(`daemon exited (${child.exitCode ?? child.signalCode}); stderr:\n${io.stderr()}`);
        return logs().find(pred);
      },
      'a daemon log line',
      timeoutMs,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\nstderr:\n${io.stderr().slice(-4000)}`);
    });

  const dispose = async () => {
    if (alive()) {
      child.kill('SIGKILL');
      await exited;
    }
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };

  let base = '';
  try {
    const line = await waitForLog((l) => typeof l.port === 'number' && l.msg === 'serving /metrics, /healthz, /readyz');
    base = `http://127.0.0.1:${line.port}`;
    await waitForLog((l) => l.msg === 'exfilwatch running');
  } catch (e) {
    await dispose();
    throw e;
  }
  const metricsText = async () => {
    const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) });
    return res.text();
  };
  const metric = async (name: string, labels: Record<string, string> = {}) =>
    sumMetric(await metricsText(), name, labels);

  return {
    child,
    dir,
    base,
    exited,
    stdout: io.stdout,
    stderr: io.stderr,
    logs,
    waitForLog,
    alerts: () =>
      io
        .stdout()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Alert),
    metricsText,
    metric,
    async waitForMetric(name, labels, pred, timeoutMs = 15_000) {
      let last = Number.NaN;
      try {
        await waitFor(
          async () => {
            last = await metric(name, labels);
            return pred(last);
          },
          `${name}${JSON.stringify(labels)}`,
          timeoutMs,
        );
      } catch (e) {
        throw new Error(`${(e as Error).message}; last value ${last}\nstderr:\n${io.stderr().slice(-3000)}`);
      }
      return last;
    },
    rssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      return Number(kb) * 1024;
    },
    alive,
    dispose,
  };
}
