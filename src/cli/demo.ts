/**
 * `exfilwatch demo` (what `npm start` runs): the bundled scenarios replayed through a simulated sensor into
 * the real pipeline, alerts printed for humans, /metrics served, exit 0 only when every attack scenario was
 * caught and every benign one stayed quiet.
 */

import type { Command } from 'commander';
import { runDemo } from '../demo/runner.js';
import { ConfigError } from '../errors.js';
import { LOG_LEVELS } from '../telemetry/logger.js';
import { action, parseLogLevel } from './common.js';
import { takeOverEarlySignals } from './early-signals.js';

export interface DemoFlags {
  falco?: boolean;
  speed: string;
  loop?: boolean;
  metricsAddr?: string;
  nats?: string;
  logLevel: string;
  scenarios?: string;
  color?: boolean;
}

export function parseSpeed(text: string): number {
  const speed = Number(text);
  if (!Number.isFinite(speed) || speed <= 0 || speed > 1000) {
    throw new ConfigError('--speed', `expected a number greater than 0 and at most 1000 (got "${text}")`);
  }
  return speed;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Replay the bundled attack and benign scenarios through a simulated Tetragon (or, with --falco, Falco) into the real pipeline; print alerts, serve /metrics',
    )
    .option('--falco', 'replay the Falco form through the falco-http receiver instead of Tetragon gRPC')
    .option('--speed <n>', 'replay speed: 1 ≈ 8 s per round, 0.25 = four times slower', '1')
    .option('--loop', 'replay round after round (fresh ids each time) until Ctrl-C')
    .option('--metrics-addr <host:port>', 'listen address for /metrics (default 127.0.0.1:9464, or a free port)')
    .option('--nats <url>', 'also publish alerts to NATS (env NATS_URL)')
    .option('--log-level <level>', `log level for the JSON logs on stderr: ${LOG_LEVELS.join('|')}`, 'warn')
    .option('--scenarios <dir>', 'scenario descriptions to replay (default: the bundled examples/scenarios)')
    .option('--no-color', 'no ANSI colours even on a terminal')
    .action(
      action(async (flags: DemoFlags) => {
        const speed = parseSpeed(flags.speed);
        const logLevel = parseLogLevel(flags.logLevel);
        const stop = new AbortController();
        let interrupted = false;
        const onSignal = () => {
          // First Ctrl-C: finish the round and print the summary. Second: leave now.
          if (interrupted) process.exit(130);
          interrupted = true;
          stop.abort();
          if (flags.loop)
            process.stderr.write('exfilwatch demo: finishing this round, then the summary (Ctrl-C again to quit)\n');
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        takeOverEarlySignals(onSignal);
        try {
          const result = await runDemo({
            form: flags.falco ? 'falco' : 'tetragon',
            speed,
            loop: flags.loop ?? false,
            metricsAddr: flags.metricsAddr,
            nats: flags.nats,
            logLevel,
            scenarioDir: flags.scenarios,
            color: flags.color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR,
            write: (text) => process.stdout.write(text),
            signal: stop.signal,
          });
          // A socket still closing must not keep a finished demo alive.
          setTimeout(() => process.exit(result.exitCode), 1000).unref();
          return result.exitCode;
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }),
    );
}
