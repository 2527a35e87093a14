/**
 * SIGTERM/SIGINT between the process's start and a command setting its own handlers. Node takes ~0.1–0.7 s
 * to load the commands; a signal then (a supervisor stopping a pod it just started) ended `run`, `scan` and
 * `events` with Node's default, status 143, which the supervisor reads as a failure. main.ts holds such a
 * signal from its first line, importing nothing first, and the command that handles signals takes it over
 * once its own handlers are set: it then meets the signal as if it had come just after (`run` stops cleanly,
 * exit 0). A command that never takes over (check-config, help) gets the default once it is done: status
 * 128 + the signal's number. A second signal before the take-over exits at once, as the default would.
 */
import { constants } from 'node:os';

const HELD: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

let held: NodeJS.Signals | null = null;

/** Ends the process with the status the signal's default action gives (128 + its number: 143 for SIGTERM). */
export function exitAsSignal(signal: NodeJS.Signals): never {
  process.exit(128 + constants.signals[signal]);
}

function hold(signal: NodeJS.Signals): void {
  if (held !== null) exitAsSignal(signal);
  held = signal;
}

function stopHolding(): NodeJS.Signals | null {
  for (const s of HELD) process.off(s, hold);
  const signal = held;
  held = null;
  return signal;
}

/** From the CLI's first line: a SIGTERM/SIGINT is kept for the command instead of ending the process. */
export function holdEarlySignals(): void {
  for (const s of HELD) process.on(s, hold);
}

/**
 * Called by a command right after it set its own SIGTERM/SIGINT handlers: the held handler goes, and a signal
 * it kept is given to `onSignal` now.
 */
export function takeOverEarlySignals(onSignal: (signal: NodeJS.Signals) => void): void {
  const signal = stopHolding();
  if (signal !== null) onSignal(signal);
}

/** Once the command is done (or never took over): a signal still held ends the process as its default would. */
export function releaseEarlySignals(): void {
  const signal = stopHolding();
  if (signal !== null) process.kill(process.pid, signal);
}
