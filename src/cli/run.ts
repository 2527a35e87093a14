/**
 * `exfilwatch run`: the DaemonSet process. One YAML config plus flag/env overrides; every config problem
 * fails before the first event (exit 2, one line naming the key or flag). Then sources → correlator →
 * sinks with /metrics, /healthz and /readyz, until SIGTERM/SIGINT: intake stops, pending alerts are
 * flushed (delivered or spooled) within pipeline.shutdownTimeoutMs, exit 0. A second signal exits at once.
 */
import type { Command } from 'commander';
import { createApp } from '../app.js';
import { resolveNodeName } from '../config/node-name.js';
import { errorMessage } from '../errors.js';
import { type OpsServer, parseListenAddress, startOpsServer } from '../http/index.js';
import { systemClock } from '../model/clock.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { createMetrics } from '../telemetry/metrics.js';
import { action, EXIT_OK, EXIT_RUNTIME } from './common.js';
import { loadRunConfigIsolated } from './run-config-isolated.js';
import type { RunFlags } from './run-overrides.js';
import { addSourceFlags } from './source-flags.js';

export { applyRunOverrides, type RunFlags } from './run-overrides.js';

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

async function flushLogger(logger: Logger): Promise<void> {
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
}

export async function runDaemon(flags: RunFlags): Promise<number> {
  // Validated in a child process: zod and the schemas (~25 MB) never enter the daemon's long-lived heap.
  const config = loadRunConfigIsolated(flags);
  const logger = createLogger(config.logLevel);
  const node = resolveNodeName(config);
  const metrics = createMetrics({ defaultMetrics: true });
  const deps = { logger, metrics, clock: systemClock, node };
  const app = createApp(config, deps, { live: true });
  if (app.sources().length === 0) {
    logger.warn(
      'no sources configured: nothing will be detected (see --tetragon, --tetragon-file, --falco-http, --falco-grpc)',
    );
  }

  let ops: OpsServer | null = null;
  try {
    if (config.metrics.enabled) {
      ops = await startOpsServer({
        listen: parseListenAddress(config.metrics.listen, 'metrics.listen'),
        metrics,
        logger,
        ready: () => app.ready(),
        sources: () => app.sources(),
      });
    }
    await app.start();
  } catch (err) {
    await app.stop().catch(() => undefined);
    await ops?.close();
    await flushLogger(logger);
    throw err;
  }
  logger.info(
    {
      node,
      sources: app.sources().map((s) => s.id),
      sinks: Object.keys(config.sinks).filter((k) => (config.sinks as Record<string, unknown>)[k] !== undefined),
    },
    'exfilwatch running',
  );

  const code = await new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now');
        logger.flush();
        process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 1));
      }
      stopping = true;
      logger.info(
        { signal, timeoutMs: config.pipeline.shutdownTimeoutMs },
        'signal received: stopping intake and flushing alerts',
      );
      ops?.markStopping();
      // The sinks bound their own flush; this bounds everything else (a stuck source, the correlator).
      const hardStop = setTimeout(() => {
        logger.error({ timeoutMs: config.pipeline.shutdownTimeoutMs }, 'shutdown did not finish in time; exiting');
        resolve(EXIT_RUNTIME);
      }, config.pipeline.shutdownTimeoutMs + 2000);
      app.stop().then(
        () => {
          clearTimeout(hardStop);
          resolve(EXIT_OK);
        },
        (err) => {
          clearTimeout(hardStop);
          logger.error({ err: errorMessage(err) }, 'shutdown failed');
          resolve(EXIT_RUNTIME);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    // Finite sources (a file without follow) end by themselves. With none configured, run on (serving
    // /metrics and draining the spool) until signalled.
    void app.finished.then(() => {
      if (!stopping && app.sources().length > 0) {
        stopping = true;
        logger.info('all sources ended');
        void app.stop().then(() => resolve(EXIT_OK));
      }
    });
  });

  await ops?.close();
  logger.info({ exitCode: code, ...app.stats() }, 'exfilwatch stopped');
  await flushLogger(logger);
  // Whatever still holds the event loop (a socket in close) must not keep a stopped daemon alive.
  setTimeout(() => process.exit(code), 1000).unref();
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
