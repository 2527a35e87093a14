/**
 * `exfilwatch run`'s flag and environment overrides of the raw config (flags > env > file). Free of zod and
 * the schemas: the daemon's own module graph imports this (src/cli/run.ts), validation happens elsewhere.
 */
import { markFromFlag } from '../config/flag-origin.js';
import { ConfigError } from '../errors.js';
import { parseListenAddress } from '../http/index.js';
import { natsServerWithoutCredentials } from '../sinks/nats/connect-options.js';
import { parseNatsUrl } from '../sinks/nats/url.js';
import { parseLogLevel } from './common.js';
import { type SourceFlags, sourceFlagsToConfig } from './source-flags.js';

export interface RunFlags extends SourceFlags {
  config?: string;
  nats?: string;
  metricsAddr?: string;
  alertsStdout?: boolean;
  logLevel?: string;
}

const asRecord = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, unknown>) } : {};

/** The raw config with flag and environment overrides applied (flags > env > file). Pure. */
export function applyRunOverrides(raw: unknown, flags: RunFlags, env: NodeJS.ProcessEnv): unknown {
  // A non-object root is left alone so the schema reports it at `(root)`.
  if (raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) return raw;
  let root = sourceFlagsToConfig(flags, asRecord(raw));
  root = { ...root };
  const natsText = flags.nats ?? env.NATS_URL;
  if (natsText !== undefined && natsText.trim() !== '') {
    const key = flags.nats !== undefined ? '--nats' : 'NATS_URL';
    const servers = natsText
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const s of servers) {
      if (!parseNatsUrl(s)) {
        // never echo credentials a URL may carry, even in an error
        throw new ConfigError(
          key,
          `expected a NATS URL like nats://host:4222 (got "${natsServerWithoutCredentials(s)}")`,
        );
      }
    }
    const sinks = asRecord(root.sinks);
    sinks.nats = { ...asRecord(sinks.nats), servers };
    root.sinks = sinks;
  }
  if (flags.alertsStdout) {
    const sinks = asRecord(root.sinks);
    sinks.stdout = { ...asRecord(sinks.stdout), enabled: true };
    root.sinks = sinks;
  }
  if (flags.metricsAddr !== undefined) {
    parseListenAddress(flags.metricsAddr, '--metrics-addr');
    root.metrics = markFromFlag(
      { ...asRecord(root.metrics), listen: flags.metricsAddr },
      { flag: '--metrics-addr', value: flags.metricsAddr },
    );
  }
  if (flags.logLevel !== undefined) root.logLevel = parseLogLevel(flags.logLevel);
  return root;
}
