/**
 * `exfilwatch scan [--config FILE] [--format auto|tetragon|falco] FILE…`: offline hunting. Runs the same
 * pipeline as the node daemon (JSON-lines source → correlator → alerts) over exported Tetragon and Falco
 * JSON lines — mixed in one file too, `-` for stdin, `.gz` accepted — and prints alerts as JSON lines on
 * stdout. Progress and a summary go to stderr. Metrics are not served and no configured sink (NATS) is
 * used: scan's output is stdout.
 *
 * Exit codes: 0 whether or not alerts were found; 2 for usage and config errors; 1 when an input file
 * could not be read, or not to its end (a corrupt or truncated .gz: the lines before the failure are
 * scanned). It is reported at once, the other files are still scanned, and the summary says so.
 */

import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { Counter } from 'prom-client';
import { type AppDeps, createApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { resolveNodeName } from '../config/node-name.js';
import type { ExfilwatchConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { SEVERITIES } from '../model/alert.js';
import type { NormalizedEvent } from '../model/normalized-event.js';
import { letScanHeapGrow } from '../scan/heap-growth.js';
import { type UnreadableInput, unreadableLine, unreadableReason } from '../scan/inputs.js';
import type { ScanFormat } from '../scan/lines.js';
import { createScanSource } from '../scan/source.js';
import { createStdoutSink } from '../sinks/stdout/sink.js';
import type { EventSource, SourceOutput } from '../sources/types.js';
import {
  action,
  addLogLevelOption,
  cliDeps,
  EXIT_OK,
  EXIT_RUNTIME,
  FORMATS,
  parseFormat,
  parseLogLevel,
} from './common.js';
import { takeOverEarlySignals } from './early-signals.js';

/** Distinct containers counted for the summary; past this the count says "at least". */
const MAX_COUNTED_CONTAINERS = 1_000_000;

export interface ScanOptions {
  paths: string[];
  format: ScanFormat;
  /** Alerts, one JSON object per line. */
  stdout: Writable;
  /** Progress and summary (human text). */
  stderr: Writable & { isTTY?: boolean };
  /** Progress line period: default 2 s on a TTY, 30 s otherwise (0 = never). */
  progressIntervalMs?: number;
  /** Line workers (JSON.parse + normalize off the main thread); default `auto` (see chooseThreads). */
  threads?: number | 'auto';
  /** Read only once the workers are up (tests; by default the main thread parses while they start). */
  awaitWorkers?: boolean;
}

export interface ScanSummary {
  files: number;
  unreadable: string[];
  events: number;
  ignored: number;
  decodeErrors: number;
  alerts: number;
  alertsBySeverity: Record<string, number>;
  /** Alerts stdout never took (its reader went away: `scan … | head -1`), of `alerts`. */
  alertsNotWritten: number;
  /**
   * Reads not counted because they are older than their container's read buckets keep or stamped before 1970
   * (exfilwatch_events_dropped_total{reason="out_of_window"}, which a scan has no /metrics to show).
   */
  readsOutOfWindow: number;
  containers: number;
  elapsedMs: number;
  eventsPerSecond: number;
}

export function registerScanCommand(program: Command): void {
  const cmd = program
    .command('scan')
    .description(
      'Offline hunting: run the detection over exported Tetragon/Falco JSON lines; alerts as JSON lines on stdout.',
    )
    .argument('<files...>', 'JSON-lines files (- = stdin; .gz accepted; Tetragon and Falco lines may be mixed)')
    .option('--config <file>', 'config file (correlator thresholds, allowlist)')
    .option('--format <format>', `format of the lines: ${FORMATS.join('|')}`, 'auto')
    .option(
      '--threads <n>',
      'line workers that JSON.parse and normalize beside the correlator: auto (by input size and cores) or 0-8',
      'auto',
    );
  addLogLevelOption(cmd, 'warn');
  cmd.action(
    action(async (files: string[], opts: { config?: string; format: string; threads: string; logLevel: string }) => {
      const level = parseLogLevel(opts.logLevel);
      const format = parseFormat(opts.format);
      const threads = parseThreads(opts.threads);
      const config = loadConfig(opts.config);
      const deps = cliDeps(level, resolveNodeName(config));
      const summary = await scan(config, deps, {
        paths: files,
        format,
        stdout: process.stdout,
        stderr: process.stderr,
        threads,
      });
      deps.logger.flush();
      return summary.unreadable.length > 0 ? EXIT_RUNTIME : EXIT_OK;
    }),
  );
}

const MAX_THREADS = 8;

export function parseThreads(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_THREADS) {
    throw new ConfigError('--threads', `expected auto or an integer from 0 to ${MAX_THREADS} (got "${value}")`);
  }
  return n;
}

/**
 * Below this much input, starting a worker costs more than it saves: its start-up and its own JIT warm-up
 * are ~200 ms of CPU. Measured at real-time priority (a quiet 2 cores): 20k bench lines (37 MB) scan at
 * 50-55k lines/s on the main thread and 50k with a worker; 200k lines (364 MB) at 65-67k vs 76-85k.
 */
const PARALLEL_MIN_BYTES = 64 * 1024 * 1024;

/**
 * `auto`: line workers only for inputs worth starting them for, one per core beyond the main thread's
 * (which correlates, and parses whatever the workers have not taken: src/scan/source.ts). On 2 cores one
 * worker: a second one only adds its own start-up and caches (measured: ~2-3 µs more CPU per event than
 * one, with both cores busy either way).
 */
export function chooseThreads(paths: readonly string[], threads: number | 'auto' = 'auto'): number {
  if (threads !== 'auto') return threads;
  const cores = availableParallelism();
  if (cores < 2) return 0;
  let bytes = 0;
  for (const path of paths) {
    if (path === '-') continue;
    try {
      bytes += statSync(path).size;
    } catch {
      // unreadable: reported elsewhere
    }
  }
  return bytes >= PARALLEL_MIN_BYTES ? Math.min(cores - 1, 3) : 0;
}

/** Counts what the source hands on (events, skips) without touching the events. */
function countingSource(inner: EventSource, counts: Counts): EventSource {
  return {
    id: inner.id,
    type: inner.type,
    run(out: SourceOutput, signal: AbortSignal) {
      return inner.run(
        {
          offer(event: NormalizedEvent) {
            const accepted = out.offer(event);
            if (accepted) counts.accepted++;
            if (event.kind !== 'gap') counts.events++;
            return accepted;
          },
          decodeError(error, sensor) {
            counts.decodeErrors++;
            out.decodeError(error, sensor);
          },
          ignored() {
            counts.ignored++;
            out.ignored();
          },
          connection: (up, detail) => out.connection(up, detail),
          // Finite files pause here while the event queue is full: offline input is never dropped.
          waitForRoom: () => out.waitForRoom(),
        },
        signal,
      );
    },
  };
}

interface Counts {
  events: number;
  accepted: number;
  ignored: number;
  decodeErrors: number;
  containers: Set<string>;
}

/** Runs the detection over the files; resolves once every alert is written. */
export async function scan(config: ExfilwatchConfig, deps: AppDeps, o: ScanOptions): Promise<ScanSummary> {
  const started = performance.now();
  letScanHeapGrow();
  const tty = o.stderr.isTTY === true;
  const unreadable: string[] = [];
  const readable: string[] = [];
  const report = (input: UnreadableInput) => {
    unreadable.push(input.path);
    // On a terminal the progress line has no newline yet: clear it first.
    o.stderr.write(`${tty ? '\r\x1b[2K' : ''}${unreadableLine(input)}`);
  };
  for (const path of o.paths) {
    const reason = unreadableReason(path);
    if (reason === null) readable.push(path);
    else report({ path, reason, linesBefore: 0 });
  }
  const counts: Counts = { events: 0, accepted: 0, ignored: 0, decodeErrors: 0, containers: new Set() };
  const stdoutFailuresBefore = await stdoutFailures(deps);
  const outOfWindowBefore = await readsOutOfWindow(deps);
  const sources =
    readable.length > 0
      ? [
          countingSource(
            createScanSource(
              {
                paths: readable,
                format: o.format,
                threads: chooseThreads(readable, o.threads),
                awaitWorkers: o.awaitWorkers,
                // Part-way failures (a corrupt or truncated .gz) are unreadable inputs like missing ones.
                onUnreadable: report,
                // Distinct containers: the source skips events whose container it handed on before.
                newContainer(event) {
                  const id = event.kind === 'gap' ? undefined : event.container?.id;
                  if (id && counts.containers.size < MAX_COUNTED_CONTAINERS) counts.containers.add(id);
                },
              },
              deps,
            ),
            counts,
          ),
        ]
      : [];
  // Configured sinks (NATS) are for the daemon; scan writes alerts to stdout only.
  const scanConfig: ExfilwatchConfig = { ...config, sinks: {} };
  const running = createApp(scanConfig, deps, {
    sources,
    extraSinks: [createStdoutSink(o.stdout, deps)],
    live: false,
    // Offline input loses nothing by waiting for a slow reader of the alerts (`scan … | less`): none is dropped.
    sinkQueueWhenFull: 'block',
  });

  const intervalMs = o.progressIntervalMs ?? (tty ? 2_000 : 30_000);
  const progress =
    intervalMs > 0
      ? setInterval(() => {
          const s = running.stats();
          const secs = (performance.now() - started) / 1000;
          const line = `scanned ${fmt(counts.events)} events (${fmt(Math.round(counts.events / secs))}/s), ${fmt(s.alerts)} alerts, ${fmt(counts.containers.size)} containers`;
          o.stderr.write(tty ? `\r\x1b[2K${line}` : `exfilwatch: ${line}\n`);
        }, intervalMs)
      : null;
  progress?.unref();

  const stop = () => void running.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  takeOverEarlySignals(stop);
  try {
    await running.start();
    await running.finished;
    await running.stop();
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    if (progress) clearInterval(progress);
  }
  if (tty && progress) o.stderr.write('\r\x1b[2K');

  const stats = running.stats();
  const elapsedMs = performance.now() - started;
  const summary: ScanSummary = {
    files: o.paths.length,
    unreadable,
    events: counts.events,
    ignored: counts.ignored,
    decodeErrors: counts.decodeErrors,
    alerts: stats.alerts,
    alertsBySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, stats.alertsBySeverity[s] ?? 0])),
    alertsNotWritten: (await stdoutFailures(deps)) - stdoutFailuresBefore,
    readsOutOfWindow: (await readsOutOfWindow(deps)) - outOfWindowBefore,
    containers: counts.containers.size,
    elapsedMs,
    eventsPerSecond: elapsedMs > 0 ? counts.events / (elapsedMs / 1000) : 0,
  };
  o.stderr.write(formatSummary(summary));
  return summary;
}

/** Alerts the stdout sink failed to write so far (the registry may outlive one scan: tests run several). */
function stdoutFailures(deps: AppDeps): Promise<number> {
  return counterTotal(deps.metrics.alertPublishFailures, 'sink', 'stdout');
}

/** Reads the correlator did not count for their time so far (the registry may outlive one scan). */
function readsOutOfWindow(deps: AppDeps): Promise<number> {
  return counterTotal(deps.metrics.eventsDropped, 'reason', 'out_of_window');
}

async function counterTotal<L extends string>(counter: Counter<L>, label: L, value: string): Promise<number> {
  const { values } = await counter.get();
  return values.filter((v) => v.labels[label] === value).reduce((sum, v) => sum + v.value, 0);
}

/**
 * `1234567` → `1,234,567`, as toLocaleString('en-US') prints whole numbers, without its first-call cost
 * (loading ICU's number formatting: ~11 ms, in every scan's elapsed time).
 */
const fmt = (n: number): string =>
  Number.isSafeInteger(n) && n >= 0 ? String(n).replace(/\B(?=(\d{3})+$)/g, ',') : n.toLocaleString('en-US');

/** The summary table written to stderr at the end. */
export function formatSummary(s: ScanSummary): string {
  const bySeverity = [...SEVERITIES]
    .reverse()
    .map((sev) => `${sev} ${s.alertsBySeverity[sev] ?? 0}`)
    .join(', ');
  const rows: Array<[string, string]> = [
    ['files', `${s.files}${s.unreadable.length > 0 ? ` (${s.unreadable.length} unreadable)` : ''}`],
    [
      'events',
      `${fmt(s.events)} (ignored ${fmt(s.ignored)}, undecodable ${fmt(s.decodeErrors)}${
        s.readsOutOfWindow > 0 ? `, reads out of window ${fmt(s.readsOutOfWindow)}` : ''
      })`,
    ],
    [
      'alerts',
      `${fmt(s.alerts)} (${bySeverity})${s.alertsNotWritten > 0 ? `; ${fmt(s.alertsNotWritten)} not written to stdout (its reader went away)` : ''}`,
    ],
    ['containers', `${s.containers >= MAX_COUNTED_CONTAINERS ? '≥ ' : ''}${fmt(s.containers)}`],
    ['elapsed', `${(s.elapsedMs / 1000).toFixed(2)} s`],
    ['events/s', fmt(Math.round(s.eventsPerSecond))],
  ];
  return `exfilwatch scan summary\n${rows.map(([k, v]) => `  ${k.padEnd(11)} ${v}`).join('\n')}\n`;
}
