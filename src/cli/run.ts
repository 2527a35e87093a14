/**
 * `exfilwatch run`: the DaemonSet process. One YAML config plus flag/env overrides; every config problem
 * fails before the first event (exit 2, one line naming the key or flag). Then sources → correlator →
 * sinks with /metrics, /healthz and /readyz, until SIGTERM/SIGINT: intake stops, pending alerts are
 * flushed (delivered or spooled) within pipeline.shutdownTimeoutMs, exit 0. A second signal exits at once.
 * A source that stops for good (its port is taken…) stops the daemon the same way, exit 1 (2 for a config
 * problem it found), with one last line naming it: a configured sensor nobody watches must not look fine.
 */

import type { Command } from 'commander';
import { createApp } from '../app.js';
import { resolveNodeName } from '../config/node-name.js';
import { sameSensorTwiceWarnings } from '../config/same-sensor.js';
import { ConfigError, errorMessage, SourceFailedError } from '../errors.js';
import { type OpsServer, parseListenAddress, startOpsServer } from '../http/index.js';
import { podSecretsMayRun } from '../kubernetes/enabled.js';
import type { PodSecrets } from '../kubernetes/index.js';
import { systemClock } from '../model/clock.js';
import { sinksOn } from '../sinks/enabled.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { createMetrics } from '../telemetry/metrics.js';
import { action, EXIT_OK, EXIT_RUNTIME, EXIT_USAGE } from './common.js';
import { exitAsSignal, takeOverEarlySignals } from './early-signals.js';
import { loadRunConfigIsolated } from './run-config-isolated.js';
import type { RunFlags } from './run-overrides.js';
import { ensureAlertSink } from './run-sinks.js';
import { addSourceFlags } from './source-flags.js';

export { applyRunOverrides, type RunFlags } from './run-overrides.js';

/**
 * How far past `pipeline.shutdownTimeoutMs` (from the signal) a stop that has not finished is cut short:
 * the time a stop needs after the sinks' deadline (closing sinks and the ops server, the last log lines).
 * The process is gone within the timeout plus this, so a terminationGracePeriodSeconds above the timeout
 * by a second is enough.
 */
const SHUTDOWN_EXIT_MARGIN_MS = 500;
/** A stopped daemon whose event loop is still held (a socket in close) exits after at most this long. */
const LINGER_AFTER_STOP_MS = 1000;

/**
 * How long the start waits (beside the warm-up) for kubernetes.podSecrets' first pod list before the correlator
 * takes events: a read before it is judged by the path rules alone, for good. A list takes a few hundred ms;
 * an API server that is down must not hold the start (nor readiness, which only the sources decide) longer.
 */
const FIRST_POD_LIST_WAIT_MS = 3000;

async function awaitFirstPodList(podSecrets: PodSecrets, logger: Logger, signal: AbortSignal): Promise<void> {
  if (await podSecrets.firstSync(FIRST_POD_LIST_WAIT_MS, signal)) return;
  if (signal.aborted) return;
  logger.warn(
    { waitedMs: FIRST_POD_LIST_WAIT_MS },
    "kubernetes: no pod list yet; starting without it (reads before it count by the path rules alone; /readyz's podSecrets says when it is synced)",
  );
}

async function flushLogger(logger: Logger): Promise<void> {
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
}

export async function runDaemon(flags: RunFlags): Promise<number> {
  // Node's default for SIGHUP ends the process at once: no flush, and the pushes the correlator still holds
  // were lost without a line. Daemons are sent it to reload (`kill -HUP`, a closed terminal); there is no
  // reload here, so it is said and the daemon runs on, from its first moment (a hang-up while the config is
  // validated is said once the logger exists) to the end.
  let hangUpLogger: Logger | null = null;
  let hangUpsBeforeLogger = 0;
  const sayIgnored = (logger: Logger) =>
    logger.warn(
      { signal: 'SIGHUP' },
      'SIGHUP ignored: exfilwatch does not reload its config; restart it (SIGTERM) to apply changes',
    );
  process.on('SIGHUP', () => {
    if (hangUpLogger === null) hangUpsBeforeLogger++;
    else sayIgnored(hangUpLogger);
  });
  // Validated in a child process: zod and the schemas (~25 MB) never enter the daemon's long-lived heap.
  const config = loadRunConfigIsolated(flags);
  const sinkPlan = ensureAlertSink(config);
  const logger = createLogger(config.logLevel);
  if (hangUpsBeforeLogger > 0) sayIgnored(logger);
  hangUpLogger = logger;
  const node = resolveNodeName(config);
  const metrics = createMetrics({ defaultMetrics: true });
  // Loaded only when it may run: scan, demo and a daemon out of a cluster never import it.
  const podSecrets = podSecretsMayRun(config.kubernetes)
    ? await (await import('../kubernetes/index.js')).startPodSecrets(config.kubernetes, { logger, metrics, node })
    : null;
  const deps = { logger, metrics, clock: systemClock, node, podSecrets: podSecrets?.table ?? null };
  const app = createApp(config, deps, {
    live: true,
    ...(podSecrets ? { startGate: (signal: AbortSignal) => awaitFirstPodList(podSecrets, logger, signal) } : {}),
  });
  if (app.sources().length === 0) {
    logger.warn(
      'no sources configured: nothing will be detected (see --tetragon, --tetragon-file, --falco-http, --falco-grpc)',
    );
  }
  for (const warning of sameSensorTwiceWarnings(config)) logger.warn(warning);
  if (sinkPlan === 'stdout-fallback') {
    logger.warn(
      'no alert sink configured: alerts go to stdout as JSON lines (set sinks.nats / --nats, or sinks.stdout / --alerts-stdout to choose)',
    );
  }

  let ops: OpsServer | null = null;
  // A signal during the start (bounded: the spool opened, the warm-up and the first pod list, the sources'
  // set-up): a falco-http receiver already answers posts then, so the daemon stops as for a signal later, once
  // the start is over, flushing what it took; Node's default ended it at once, those posts answered 200 and
  // lost. A second exits.
  let signalAtStart: NodeJS.Signals | null = null;
  // A second signal, during the start or the stop: exit at once, as the signal's default would.
  const exitNow = (signal: NodeJS.Signals): never => {
    logger.warn({ signal }, 'second signal: exiting now');
    logger.flush();
    exitAsSignal(signal);
  };
  const onSignalAtStart = (signal: NodeJS.Signals) => {
    if (signalAtStart !== null) exitNow(signal);
    signalAtStart = signal;
    logger.info({ signal }, 'signal received during the start: stopping once it is over');
  };
  process.on('SIGTERM', onSignalAtStart);
  process.on('SIGINT', onSignalAtStart);
  // One while the commands loaded or the config was read is met as this one: stopped once the start is over.
  takeOverEarlySignals(onSignalAtStart);
  try {
    if (config.metrics.enabled) {
      ops = await startOpsServer({
        listen: parseListenAddress(config.metrics.listen, 'metrics.listen'),
        metrics,
        logger,
        ready: () => app.ready(),
        sources: () => app.sources(),
        ...(podSecrets ? { podSecrets: () => podSecrets.status() } : {}),
      });
    }
    await app.start();
  } catch (err) {
    await podSecrets?.stop();
    await app.stop().catch(() => undefined);
    await ops?.close();
    await flushLogger(logger);
    throw err;
  } finally {
    process.off('SIGTERM', onSignalAtStart);
    process.off('SIGINT', onSignalAtStart);
  }
  logger.info(
    {
      node,
      sources: app.sources().map((s) => s.id),
      sinks: sinksOn(config.sinks as Record<string, unknown>),
    },
    'exfilwatch running',
  );

  /** When the stop must be over (Date.now() time): set at the signal, or when a source stopped for good. */
  let stopDeadline = Number.POSITIVE_INFINITY;
  // `failure`: why the daemon stops on its own, written as its last line like a start-up error.
  const { code, failure } = await new Promise<{ code: number; failure?: Error }>((done) => {
    const resolve = (exitCode: number, err?: Error) => done({ code: exitCode, failure: err });
    let stopping = false;
    /** Intake stops, pending alerts are flushed; then `exitCode` (`failure`: why, for the last line). */
    const shutdown = (exitCode: number, failure?: Error) => {
      ops?.markStopping();
      stopDeadline = Date.now() + config.pipeline.shutdownTimeoutMs;
      // The sinks bound their own flush by the deadline; this bounds everything else (a stuck source, the
      // correlator), a small margin later so a stop that finishes at the deadline is not called a failure.
      const hardStop = setTimeout(() => {
        logger.error({ timeoutMs: config.pipeline.shutdownTimeoutMs }, 'shutdown did not finish in time; exiting');
        resolve(EXIT_RUNTIME, failure);
      }, config.pipeline.shutdownTimeoutMs + SHUTDOWN_EXIT_MARGIN_MS);
      app.stop().then(
        () => {
          clearTimeout(hardStop);
          resolve(exitCode, failure);
        },
        (err) => {
          clearTimeout(hardStop);
          logger.error({ err: errorMessage(err) }, 'shutdown failed');
          resolve(EXIT_RUNTIME, failure);
        },
      );
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) exitNow(signal);
      stopping = true;
      logger.info(
        { signal, timeoutMs: config.pipeline.shutdownTimeoutMs },
        'signal received: stopping intake and flushing alerts',
      );
      shutdown(EXIT_OK);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    if (signalAtStart !== null) onSignal(signalAtStart);
    const stopFor = (err: Error, exitCode: number) => {
      if (stopping) return;
      stopping = true;
      logger.error({ err: err.message, exitCode }, 'stopping: a source stopped for good');
      shutdown(exitCode, err);
    };
    void app.sourceFailed.then((err) => stopFor(err, err instanceof ConfigError ? EXIT_USAGE : EXIT_RUNTIME));
    // The daemon's sources run until stopped (files are followed, sensors reconnected): all of them ending
    // means nothing is watched any more. With none configured, run on (serving /metrics and draining the
    // spool) until signalled.
    void app.finished.then(() => {
      const ids = app.sources().map((s) => s.id);
      if (ids.length > 0) stopFor(new SourceFailedError(ids.join(', '), 'ended; nothing is watched'), EXIT_RUNTIME);
    });
  });

  await ops?.close();
  await podSecrets?.stop();
  logger.info({ exitCode: code, ...app.stats() }, 'exfilwatch stopped');
  await flushLogger(logger);
  // Whatever still holds the event loop (a socket in close; a stdout write into a pipe nobody reads, whose
  // lines the stdout sink already counted as lost) must not keep a stopped daemon alive, nor past the stop's
  // deadline: a fixed second here made a stop stuck on stdout end 1.1 s after shutdownTimeoutMs.
  const lingerMs = Math.min(LINGER_AFTER_STOP_MS, Math.max(0, stopDeadline - Date.now()));
  setTimeout(() => process.exit(code), lingerMs).unref();
  // The last line, plain like a start-up error's, so the reason is not lost among the JSON logs.
  if (failure) process.stderr.write(`exfilwatch: ${failure.message}\n`);
  return code;
}

export function registerRunCommand(program: Command): void {
  const cmd = program
    .command('run')
    .description('The node daemon: sources → correlator → sinks (NATS, stdout), /metrics, until SIGTERM')
    .option('--config <file>', 'YAML config file (see CONFIGURATION.md)')
    .option('--nats <url>', 'NATS server URL(s), comma-separated (env NATS_URL); enables the NATS sink')
    .option('--metrics-addr <host:port>', 'listen address for /metrics, /healthz, /readyz (default 0.0.0.0:9464)')
    .option('--alerts-stdout', 'also write alerts as JSON lines on stdout')
    .option(
      '--log-level <level>',
      'log level: fatal|error|warn|info|debug|trace|silent (default: config logLevel, info)',
    );
  // Source flags (--tetragon, --tetragon-file, --falco-http, --falco-grpc), shared with `events`.
  addSourceFlags(cmd);
  cmd.action(action(async (opts: RunFlags) => runDaemon(opts)));
}
