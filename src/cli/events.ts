/**
 * `exfilwatch events [source flags] [--config FILE] [--format auto|tetragon|falco] [FILE…]`: prints the
 * normalized events exfilwatch sees, one JSON object per line (like `tetra getevents -o json`), so a user
 * can check what their sensor configuration produces. FILE arguments are read to their end (by scan's
 * reader on the main thread: the same lines, events and decode errors, and the same report and exit code
 * 1 for an input that cannot be read); live sources run until SIGINT/SIGTERM. Logs go to stderr; stdout
 * carries only events.
 *
 * A signal stops it as it stops `run`: exit 0 (1 when an input could not be read) once what it printed is
 * flushed, within pipeline.shutdownTimeoutMs however slowly stdout is read; a second signal exits at once.
 * Its handlers are set before the config is read: a signal then (a supervisor stopping it as it starts) ended
 * the process with status 143, and one while stdout was stuck (a paused `| less`) waited for the reader.
 */

import type { Command } from 'commander';
import { buildSources, createApp } from '../app.js';
import { parseConfig, readConfigText } from '../config/load.js';
import { resolveNodeName } from '../config/node-name.js';
import { duplicateSourceProblems } from '../config/validate.js';
import { ConfigError } from '../errors.js';
import { createLineWriter } from '../io/line-writer.js';
import type { NormalizedEvent } from '../model/normalized-event.js';
import { type UnreadableInput, unreadableLine, unreadableReason } from '../scan/inputs.js';
import { createScanSource } from '../scan/source.js';
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
import { exitAsSignal, takeOverEarlySignals } from './early-signals.js';
import { addSourceFlags, type SourceFlags, sourceFlagsToConfig } from './source-flags.js';

interface EventsOptions extends SourceFlags {
  config?: string;
  format: string;
  logLevel: string;
}

export function registerEventsCommand(program: Command): void {
  const cmd = program
    .command('events')
    .description('Print the normalized events exfilwatch sees, one JSON object per line (for debugging sensor config).')
    .argument('[files...]', 'exported JSON-lines files to read (- = stdin; .gz accepted)')
    .option('--config <file>', 'config file (its sources are read too, but for a type a source flag gives)')
    .option('--format <format>', `format of FILE lines: ${FORMATS.join('|')}`, 'auto');
  addSourceFlags(cmd);
  addLogLevelOption(cmd, 'warn');
  cmd.action(action((files: string[], opts: EventsOptions) => runEvents(files, opts)));
}

async function runEvents(files: string[], opts: EventsOptions): Promise<number> {
  let signalled = false;
  let onFirstSignal = () => {};
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal: exit at once, as the signal's default would (and as `run` does).
    if (signalled) exitAsSignal(signal);
    signalled = true;
    onFirstSignal();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  takeOverEarlySignals(onSignal);
  try {
    // A signal while the config is read (synchronously) is handled at the first await, the app's start.
    return await printEvents(files, opts, (stop) => {
      onFirstSignal = stop;
      if (signalled) stop();
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Sets what the first signal does once the app exists (at once when it came already). */
type OnSignal = (stop: () => void) => void;

async function printEvents(files: string[], opts: EventsOptions, onSignal: OnSignal): Promise<number> {
  const level = parseLogLevel(opts.logLevel);
  const format = parseFormat(opts.format);
  const raw = opts.config ? readConfigText(opts.config) : {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('--config', `${opts.config} must hold a YAML mapping`);
  }
  const withFlags = sourceFlagsToConfig(opts, raw as Record<string, unknown>);
  const config = parseConfig(withFlags, opts.config);
  // No sensor endpoint twice: it would print every event twice (as run refuses it).
  const first = duplicateSourceProblems(withFlags)[0];
  if (first) throw new ConfigError(first.keyPath, first.message);
  const deps = cliDeps(level, resolveNodeName(config));
  let stopApp = () => {};
  // `events … | head` closes our stdout: stop reading instead of printing into the void.
  const out = createLineWriter(process.stdout, { onError: () => stopApp() });

  const sources = buildSources(config, deps);
  // Like scan: an input that cannot be read, or not to its end (a corrupt .gz), is one line on stderr
  // at once and exit 1; the other inputs are still read.
  const unreadable: UnreadableInput[] = [];
  const report = (input: UnreadableInput) => {
    unreadable.push(input);
    process.stderr.write(unreadableLine(input));
  };
  const readable = files.filter((path) => {
    const reason = unreadableReason(path);
    if (reason !== null) report({ path, reason, linesBefore: 0 });
    return reason === null;
  });
  if (readable.length > 0) {
    sources.push(
      createScanSource(
        {
          paths: readable,
          format,
          threads: 0,
          onUnreadable: report,
          waitForRoom: out.waitForRoom,
        },
        deps,
      ),
    );
  }
  if (sources.length === 0 && unreadable.length > 0) return EXIT_RUNTIME;
  if (sources.length === 0) {
    throw new ConfigError(
      'events',
      'nothing to read: give FILE… or --tetragon / --tetragon-file / --falco-http / --falco-grpc',
    );
  }

  const app = createApp(config, deps, {
    mode: 'events',
    sources,
    onEvents: (batch: readonly NormalizedEvent[]) => {
      for (const event of batch) out.writeLine(JSON.stringify(event));
    },
  });
  stopApp = () => void app.stop();
  // After a signal, stdout gets pipeline.shutdownTimeoutMs to take what was printed: a reader that stopped
  // reading must not hold a stop a supervisor asked for.
  let flushGivenUp: () => void = () => {};
  const flushDeadline = new Promise<void>((resolve) => {
    flushGivenUp = resolve;
  });
  onSignal(() => {
    stopApp();
    setTimeout(flushGivenUp, config.pipeline.shutdownTimeoutMs).unref();
  });
  await app.start();
  await app.finished;
  await Promise.race([out.flush(), flushDeadline]);
  if (out.dropped > 0) {
    deps.logger.warn({ dropped: out.dropped }, 'stdout could not keep up; events were dropped');
  }
  const code = unreadable.length > 0 ? EXIT_RUNTIME : EXIT_OK;
  if (out.pendingBytes > 0) {
    deps.logger.warn(
      { notWrittenBytes: out.pendingBytes, timeoutMs: config.pipeline.shutdownTimeoutMs },
      'stopping: stdout did not take the last events in time; they are not printed',
    );
    // The write stdout still holds would keep the process alive for as long as its reader does not read.
    setTimeout(() => process.exit(code), 0).unref();
  }
  deps.logger.flush();
  return code;
}
