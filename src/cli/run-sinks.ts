/**
 * `exfilwatch run` never counts an alert it sends nowhere. With no sink configured (no `sinks.nats`, no
 * `sinks.stdout`, no `--nats` / `NATS_URL` / `--alerts-stdout`) alerts go to stdout, as `--alerts-stdout`
 * would send them, and the daemon says so: the quick `exfilwatch run --tetragon …` of the docs prints its
 * alerts, and a DaemonSet without a broker keeps them in its pod log. Switching stdout off explicitly with
 * nothing else left is a config error (exit 2): honouring it would drop every alert.
 */
import type { ExfilwatchConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { sinksOn } from '../sinks/enabled.js';
import { STDOUT_QUEUE_DEFAULTS } from '../sinks/stdout/defaults.js';

export type AlertSinkPlan = 'configured' | 'stdout-fallback';

/**
 * What a validated `sinks` section leaves: a sink on; none, with stdout switched off explicitly (nothing to
 * fall back to); or none at all (stdout is the fallback). `check-config` and `run` judge a file by this one rule.
 */
function sinkCoverage(sinks: Record<string, unknown>): 'some-on' | 'stdout-switched-off' | 'none-configured' {
  if (sinksOn(sinks).length > 0) return 'some-on';
  return sinks.stdout !== undefined ? 'stdout-switched-off' : 'none-configured';
}

/**
 * For `check-config`, which reads the file alone: a file that switches stdout off and leaves no other sink
 * on is valid, yet `run` with it exits 2 unless its command line or environment adds a sink (NATS_URL is
 * the environment's, so the file cannot say). The warning names what would add one; null when the file
 * leaves a sink on or switches none off (then `run` falls back to stdout).
 */
export function noAlertSinkWarning(config: ExfilwatchConfig): string | null {
  if (sinkCoverage(config.sinks as Record<string, unknown>) !== 'stdout-switched-off') return null;
  return (
    'sinks.stdout.enabled: false and no other sink on: this file alone leaves no alert sink, and ' +
    '`exfilwatch run` exits 2 with it unless --nats URL or NATS_URL (or --alerts-stdout) is given at run time'
  );
}

/** Turns the stdout sink on when no sink is (mutating `config.sinks`), or throws ConfigError. */
export function ensureAlertSink(config: ExfilwatchConfig): AlertSinkPlan {
  const coverage = sinkCoverage(config.sinks as Record<string, unknown>);
  if (coverage === 'some-on') return 'configured';
  if (coverage === 'stdout-switched-off') {
    throw new ConfigError(
      'sinks.stdout.enabled',
      'false leaves no alert sink, so every alert would be lost: set sinks.nats (or --nats / NATS_URL), or enable stdout',
    );
  }
  // Past validation: the section's defaults are not filled in here, and without them its queue blocked.
  config.sinks.stdout = { enabled: true, ...STDOUT_QUEUE_DEFAULTS };
  return 'stdout-fallback';
}
